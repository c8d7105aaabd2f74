#ifndef SDFARM_PNG_H
#define SDFARM_PNG_H

#include <stddef.h>
#include <stdint.h>

/// One text chunk: a keyword (1–79 bytes, ASCII in practice) and its text in UTF-8. The encoder
/// writes a tEXt chunk (Latin-1) when every character of the text fits in Latin-1 — as PIL, and
/// so A1111, does — and an uncompressed iTXt chunk (UTF-8) otherwise.
typedef struct {
    const char *key;
    const char *text;
} sdfarm_png_text;

/// Encodes 8-bit RGB (channels = 3) or RGBA (channels = 4) pixels, rows top to bottom, into a
/// PNG held in memory, with the given text chunks. On success returns 0 and sets *out / *out_len
/// to a malloc'd buffer the caller frees with sdfarm_png_free. On failure returns non-zero and
/// writes libpng's message into error (error_cap bytes, NUL-terminated).
int sdfarm_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                      const sdfarm_png_text *texts, int text_count,
                      uint8_t **out, size_t *out_len, char *error, size_t error_cap);

/// Result of sdfarm_png_decode: 8-bit pixels (RGB or RGBA as stored; palettes, greyscale and
/// 16-bit samples are converted to 8-bit RGB/RGBA) and the text chunks (tEXt, zTXt, iTXt, in
/// file order; keys and texts converted to UTF-8), all malloc'd.
typedef struct {
    uint32_t width;
    uint32_t height;
    int channels;
    uint8_t *pixels;
    int text_count;
    char **keys;
    char **texts;
} sdfarm_png_image;

/// Decodes a PNG held in memory. Refuses images wider or taller than max_side before
/// allocating pixels. Returns 0 on success; otherwise non-zero with a message in error.
int sdfarm_png_decode(const uint8_t *data, size_t len, uint32_t max_side,
                      sdfarm_png_image *image, char *error, size_t error_cap);

void sdfarm_png_image_free(sdfarm_png_image *image);
void sdfarm_png_free(void *pointer);

#endif
