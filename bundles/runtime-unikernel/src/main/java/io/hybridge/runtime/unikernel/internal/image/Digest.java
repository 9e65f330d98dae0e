package io.hybridge.runtime.unikernel.internal.image;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests as OCI writes them: only {@code sha256:<64 lower-case hex>} is accepted. */
final class Digest {

    static final String PREFIX = "sha256:";
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digest() {
    }

    static boolean isValid(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    /** The 64 hex digits, the file name of the blob in the cache. */
    static String hex(String digest) {
        if (!isValid(digest)) {
            throw new IllegalArgumentException("'" + digest + "' is not sha256:<64 lower-case hex digits>");
        }
        return digest.substring(PREFIX.length());
    }

    static String of(byte[] content) {
        return PREFIX + HexFormat.of().formatHex(sha256().digest(content));
    }

    static String of(MessageDigest finished) {
        return PREFIX + HexFormat.of().formatHex(finished.digest());
    }

    /** Native-speed when NSS is installed: blobs are tens of MiB and this JVM runs C1 only. */
    static MessageDigest sha256() {
        return io.hybridge.api.crypto.Digests.sha256();
    }
}
