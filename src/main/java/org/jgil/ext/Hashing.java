package org.jgil.ext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** SHA-256 over a sequence of named parts, each length-prefixed so that no two sequences collide. */
final class Hashing {
    private final MessageDigest sha;

    Hashing() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    Hashing add(String part) {
        return add(part.getBytes(StandardCharsets.UTF_8));
    }

    Hashing add(byte[] part) {
        long n = part.length;
        for (int i = 0; i < 8; i++) {
            sha.update((byte) (n >>> (8 * i)));
        }
        sha.update(part);
        return this;
    }

    byte[] digest() {
        return sha.digest();
    }

    static byte[] of(Map<String, byte[]> files) {
        Hashing h = new Hashing();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            h.add(e.getKey()).add(e.getValue());
        }
        return h.digest();
    }

    /** The first {@code bytes} bytes of a digest in hex. */
    static String hex(byte[] digest, int bytes) {
        return HexFormat.of().formatHex(digest, 0, bytes);
    }
}
