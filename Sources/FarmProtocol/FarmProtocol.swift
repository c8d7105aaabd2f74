/// The farm's wire protocol: frames, messages and their codecs (docs/protocol.md).
public enum FarmProtocol {}
