// libpng reports errors by longjmp. These functions own the setjmp so that Swift only ever
// sees return codes and messages.
#include "sdfarm_png.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    jmp_buf jump;
    char *error;
    size_t error_cap;
} error_state;

static void on_error(png_structp png, png_const_charp message) {
    error_state *state = (error_state *)png_get_error_ptr(png);
    if (state->error && state->error_cap) {
        strncpy(state->error, message, state->error_cap - 1);
        state->error[state->error_cap - 1] = 0;
    }
    longjmp(state->jump, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void set_error(char *error, size_t cap, const char *message) {
    if (error && cap) {
        strncpy(error, message, cap - 1);
        error[cap - 1] = 0;
    }
}

typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
    int failed;
} sink;

static void sink_write(png_structp png, png_bytep bytes, png_size_t count) {
    sink *s = (sink *)png_get_io_ptr(png);
    if (s->failed) return;
    if (s->len + count > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 65536;
        while (cap < s->len + count) cap *= 2;
        uint8_t *grown = realloc(s->data, cap);
        if (!grown) {
            s->failed = 1;
            png_error(png, "out of memory while encoding PNG");
        }
        s->data = grown;
        s->cap = cap;
    }
    memcpy(s->data + s->len, bytes, count);
    s->len += count;
}

static void sink_flush(png_structp png) { (void)png; }

/* PNG tEXt/zTXt hold Latin-1, iTXt holds UTF-8. Text crosses this shim as UTF-8 both ways. */

/* The Latin-1 form of UTF-8 text, malloc'd, or NULL when a character lies above U+00FF (or
   the text is not valid UTF-8): such text goes into an iTXt chunk instead. */
static char *utf8_to_latin1(const char *text) {
    size_t n = strlen(text);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80) {
            out[j++] = (char)c;
            i += 1;
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < n && ((unsigned char)text[i + 1] & 0xC0) == 0x80) {
            out[j++] = (char)(((c & 0x03) << 6) | ((unsigned char)text[i + 1] & 0x3F));
            i += 2;
        } else {
            free(out);
            return NULL;
        }
    }
    out[j] = 0;
    return out;
}

/* UTF-8 copy of Latin-1 text, malloc'd (NULL when out of memory). */
static char *latin1_to_utf8(const char *text) {
    size_t n = strlen(text);
    char *out = malloc(2 * n + 1);
    if (!out) return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80) {
            out[j++] = (char)c;
        } else {
            out[j++] = (char)(0xC0 | (c >> 6));
            out[j++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[j] = 0;
    return out;
}

static void free_strings(char **strings, int count) {
    if (!strings) return;
    for (int i = 0; i < count; i++) free(strings[i]);
    free(strings);
}

int sdfarm_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                      const sdfarm_png_text *texts, int text_count,
                      uint8_t **out, size_t *out_len, char *error, size_t error_cap) {
    if (channels != 3 && channels != 4) {
        set_error(error, error_cap, "channels must be 3 (RGB) or 4 (RGBA)");
        return 1;
    }
    if (width == 0 || height == 0) {
        set_error(error, error_cap, "image has no pixels");
        return 1;
    }
    error_state state = {.error = error, .error_cap = error_cap};
    sink s = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (!png) {
        set_error(error, error_cap, "png_create_write_struct failed");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    /* volatile: assigned after setjmp and read again after a longjmp. */
    png_textp volatile chunks = NULL;
    char **volatile latin = NULL;
    if (!info || setjmp(state.jump)) {
        if (!info) set_error(error, error_cap, "png_create_info_struct failed");
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(chunks);
        free_strings(latin, text_count);
        free(s.data);
        return 1;
    }
    png_set_write_fn(png, &s, sink_write, sink_flush);
    png_set_IHDR(png, info, width, height, 8,
                 channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (text_count > 0) {
        chunks = calloc((size_t)text_count, sizeof(png_text));
        latin = calloc((size_t)text_count, sizeof(char *));
        if (!chunks || !latin) png_error(png, "out of memory for text chunks");
        for (int i = 0; i < text_count; i++) {
            size_t key_length = strlen(texts[i].key);
            if (key_length < 1 || key_length > 79) png_error(png, "text keyword must be 1 to 79 bytes");
            /* As PIL (and so A1111) writes it: tEXt when Latin-1 can hold the text, else iTXt. */
            latin[i] = utf8_to_latin1(texts[i].text);
            chunks[i].key = (png_charp)texts[i].key;
            if (latin[i]) {
                chunks[i].compression = PNG_TEXT_COMPRESSION_NONE;
                chunks[i].text = latin[i];
                chunks[i].text_length = strlen(latin[i]);
            } else {
                chunks[i].compression = PNG_ITXT_COMPRESSION_NONE;
                chunks[i].text = (png_charp)texts[i].text;
                chunks[i].itxt_length = strlen(texts[i].text);
                chunks[i].lang = (png_charp)"";
                chunks[i].lang_key = (png_charp)"";
            }
        }
        png_set_text(png, info, chunks, text_count);
    }
    png_write_info(png, info);
    size_t stride = (size_t)width * (size_t)channels;
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * stride));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(chunks);
    free_strings(latin, text_count);
    *out = s.data;
    *out_len = s.len;
    return 0;
}

typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
} source;

static void source_read(png_structp png, png_bytep bytes, png_size_t count) {
    source *src = (source *)png_get_io_ptr(png);
    if (count > src->len - src->pos) png_error(png, "PNG data is truncated");
    memcpy(bytes, src->data + src->pos, count);
    src->pos += count;
}

static char *copy_string(const char *text, size_t length) {
    char *copy = malloc(length + 1);
    if (copy) {
        memcpy(copy, text, length);
        copy[length] = 0;
    }
    return copy;
}

int sdfarm_png_decode(const uint8_t *data, size_t len, uint32_t max_side,
                      sdfarm_png_image *image, char *error, size_t error_cap) {
    memset(image, 0, sizeof(*image));
    if (len < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        set_error(error, error_cap, "not a PNG file (bad signature)");
        return 1;
    }
    error_state state = {.error = error, .error_cap = error_cap};
    source src = {.data = data, .len = len, .pos = 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (!png) {
        set_error(error, error_cap, "png_create_read_struct failed");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    png_infop end_info = info ? png_create_info_struct(png) : NULL;
    /* volatile: assigned after setjmp and freed after a longjmp (truncated data). */
    png_bytep *volatile rows = NULL;
    if (!info || !end_info || setjmp(state.jump)) {
        if (!info || !end_info) set_error(error, error_cap, "png_create_info_struct failed");
        free(rows);
        png_destroy_read_struct(&png, info ? &info : NULL, end_info ? &end_info : NULL);
        sdfarm_png_image_free(image);
        return 1;
    }
    png_set_read_fn(png, &src, source_read);
    png_read_info(png, info);
    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    if (width > max_side || height > max_side) {
        png_error(png, "image is larger than the allowed size");
    }
    int color = png_get_color_type(png, info);
    if (png_get_bit_depth(png, info) == 16) png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) {
        png_set_expand_gray_1_2_4_to_8(png);
        png_set_gray_to_rgb(png);
    }
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    size_t stride = png_get_rowbytes(png, info);
    image->pixels = malloc(stride * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!image->pixels || !rows) png_error(png, "out of memory for pixels");
    for (uint32_t y = 0; y < height; y++) rows[y] = image->pixels + (size_t)y * stride;
    png_read_image(png, rows);
    free(rows);
    rows = NULL;
    png_read_end(png, end_info);
    image->width = width;
    image->height = height;
    image->channels = channels;

    png_textp texts = NULL;
    int count = 0;
    png_get_text(png, info, &texts, &count);
    png_textp more = NULL;
    int more_count = 0;
    png_get_text(png, end_info, &more, &more_count);
    int total = count + more_count;
    if (total > 0) {
        image->keys = calloc((size_t)total, sizeof(char *));
        image->texts = calloc((size_t)total, sizeof(char *));
        if (!image->keys || !image->texts) png_error(png, "out of memory for text chunks");
        for (int i = 0; i < total; i++) {
            png_textp t = i < count ? &texts[i] : &more[i - count];
            const char *text = t->text ? t->text : "";
            int utf8 = t->compression == PNG_ITXT_COMPRESSION_NONE ||
                       t->compression == PNG_ITXT_COMPRESSION_zTXt;
            image->keys[i] = latin1_to_utf8(t->key);
            image->texts[i] = utf8 ? copy_string(text, strlen(text)) : latin1_to_utf8(text);
            image->text_count = i + 1;
            if (!image->keys[i] || !image->texts[i]) png_error(png, "out of memory for text chunks");
        }
    }
    png_destroy_read_struct(&png, &info, &end_info);
    return 0;
}

void sdfarm_png_image_free(sdfarm_png_image *image) {
    free(image->pixels);
    for (int i = 0; i < image->text_count; i++) {
        if (image->keys) free(image->keys[i]);
        if (image->texts) free(image->texts[i]);
    }
    free(image->keys);
    free(image->texts);
    memset(image, 0, sizeof(*image));
}

void sdfarm_png_free(void *pointer) { free(pointer); }
