package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class TrustedKeysTest {

    static KeyPair keyPair() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static String sign(KeyPair pair, byte[] digest) throws Exception {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(digest);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    private static String base64(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    @Test
    void aSignatureOverTheDigestByATrustedKeyVerifies() throws Exception {
        KeyPair fleet = keyPair();
        TrustedKeys keys = TrustedKeys.parse(new String[] {base64(fleet)});
        byte[] digest = TrustedKeys.sha256("unit".getBytes());
        String keyId = TrustedKeys.keyId(fleet.getPublic().getEncoded());
        assertThat(keyId).hasSize(16).matches("[0-9a-f]+");
        assertThat(keys.ids()).containsExactly(keyId);
        keys.verify(digest, sign(fleet, digest), keyId);
        keys.verify(digest, sign(fleet, digest), null); // no key id: every trusted key is tried
    }

    @Test
    void pemKeysAreAccepted() throws Exception {
        KeyPair fleet = keyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(fleet.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        assertThat(TrustedKeys.parse(new String[] {pem}).ids()).containsExactly(TrustedKeys.keyId(fleet.getPublic().getEncoded()));
    }

    @Test
    void aSignatureOfOtherContentIsABadSignature() throws Exception {
        KeyPair fleet = keyPair();
        TrustedKeys keys = TrustedKeys.parse(new String[] {base64(fleet)});
        String signature = sign(fleet, TrustedKeys.sha256("the real unit".getBytes()));
        assertThatThrownBy(() -> keys.verify(TrustedKeys.sha256("a tampered unit".getBytes()), signature, null))
                .hasMessageStartingWith("bad signature");
    }

    @Test
    void aKeyTheGatewayDoesNotTrustIsNamed() throws Exception {
        KeyPair fleet = keyPair();
        KeyPair stranger = keyPair();
        TrustedKeys keys = TrustedKeys.parse(new String[] {base64(fleet)});
        byte[] digest = TrustedKeys.sha256("unit".getBytes());
        String strangerId = TrustedKeys.keyId(stranger.getPublic().getEncoded());
        assertThatThrownBy(() -> keys.verify(digest, sign(stranger, digest), strangerId))
                .hasMessageContaining("key " + strangerId + " is not trusted");
        assertThatThrownBy(() -> keys.verify(digest, sign(stranger, digest), null)).hasMessageStartingWith("bad signature");
    }

    @Test
    void garbageIsNotAKeyAndIsReported() {
        TrustedKeys keys = TrustedKeys.parse(new String[] {"bm90IGEga2V5", ""});
        assertThat(keys.ids()).isEmpty();
        assertThat(keys.problems()).singleElement().asString().startsWith("trustedKeys[1] is not an Ed25519 public key");
    }

    @Test
    void aSignatureThatIsNotBase64IsRefused() throws Exception {
        TrustedKeys keys = TrustedKeys.parse(new String[] {base64(keyPair())});
        assertThatThrownBy(() -> keys.verify(new byte[32], "***", null)).hasMessageContaining("dp.signature is not base64");
    }
}
