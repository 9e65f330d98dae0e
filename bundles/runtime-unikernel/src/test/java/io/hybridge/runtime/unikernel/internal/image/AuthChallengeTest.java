package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void bearerWithRealmServiceAndScope() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
                + "scope=\"repository:hybridge/telemetry:pull\"").orElseThrow();
        assertThat(c.isBearer()).isTrue();
        assertThat(c.param("realm")).isEqualTo("https://auth.example.com/token");
        assertThat(c.param("service")).isEqualTo("registry.example.com");
        assertThat(c.param("scope")).isEqualTo("repository:hybridge/telemetry:pull");
    }

    @Test
    void basicAsDistributionSendsIt() {
        AuthChallenge c = AuthChallenge.parse("Basic realm=\"hybridge-itest-registry\"").orElseThrow();
        assertThat(c.isBasic()).isTrue();
        assertThat(c.param("realm")).isEqualTo("hybridge-itest-registry");
    }

    @Test
    void unquotedValuesEscapesSpacesAndCommasInsideQuotes() {
        AuthChallenge c = AuthChallenge.parse("BEARER realm=http://127.0.0.1:1/t, scope=\"repository:a:pull,push\", error=\"a \\\"b\\\"\"").orElseThrow();
        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.param("realm")).isEqualTo("http://127.0.0.1:1/t");
        assertThat(c.param("scope")).isEqualTo("repository:a:pull,push");
        assertThat(c.param("error")).isEqualTo("a \"b\"");
    }

    @Test
    void nothingWhenNoHeader() {
        assertThat(AuthChallenge.parse(null)).isEmpty();
        assertThat(AuthChallenge.parse("  ")).isEmpty();
        assertThat(AuthChallenge.parse("Negotiate").orElseThrow().params()).isEmpty();
    }
}
