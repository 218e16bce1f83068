package dev.tuneforge.dataset.validation;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes one line strictly: malformed or unmappable UTF-8 is an error with its byte offset, never
 * silently replaced by U+FFFD (which would change the training text without anyone noticing). One
 * instance reuses its buffers across lines; not thread-safe.
 */
final class Utf8Decoder {

  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private CharBuffer chars = CharBuffer.allocate(8 * 1024);

  String decode(byte[] bytes, int offset, int length) throws RecordException {
    // ASCII needs no decoder, and most training text is mostly ASCII.
    boolean ascii = true;
    for (int i = offset, end = offset + length; i < end; i++) {
      if (bytes[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    // UTF-8 never yields more chars than bytes.
    if (chars.capacity() < length) {
      chars = CharBuffer.allocate(Math.max(length, chars.capacity() * 2));
    }
    chars.clear();
    decoder.reset();
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    CoderResult result = decoder.decode(in, chars, true);
    if (!result.isError()) {
      result = decoder.flush(chars);
    }
    if (result.isError()) {
      throw new RecordException(
          ErrorKind.INVALID_UTF8,
          "invalid UTF-8 at byte offset " + (in.position() - offset) + " of the line");
    }
    chars.flip();
    return chars.toString();
  }
}
