package io.hybridge.console.internal.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CrossSiteGuardTest {

    @Test
    void sameHostComparesHostAndPortIgnoringDefaultPortsAndCase() {
        assertThat(CrossSiteGuard.sameHost("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
        assertThat(CrossSiteGuard.sameHost("http://Gateway.local", "gateway.local:80")).isTrue();
        assertThat(CrossSiteGuard.sameHost("https://gateway.local/system/console/workloads", "gateway.local")).isTrue();
        assertThat(CrossSiteGuard.sameHost("http://127.0.0.1:8081", "127.0.0.1:8080")).isFalse();
        assertThat(CrossSiteGuard.sameHost("http://127.0.0.1.evil.example:8080", "127.0.0.1:8080")).isFalse();
        assertThat(CrossSiteGuard.sameHost("null", "127.0.0.1:8080")).isFalse();
        assertThat(CrossSiteGuard.sameHost("not a url", "127.0.0.1:8080")).isFalse();
        assertThat(CrossSiteGuard.sameHost("http://127.0.0.1:8080", null)).isFalse();
    }

    @Test
    void aRefererFromAnotherSiteIsRefusedWhenThereIsNoOrigin() {
        var request = new FakeHttp.Request("POST", "/workloads").header("Referer", "http://evil.example/page").build();

        assertThat(CrossSiteGuard.refuseCrossSite(request)).contains("another site");
    }

    @Test
    void aFormNeedsTheToken() {
        CrossSiteGuard guard = new CrossSiteGuard();
        var request = new FakeHttp.Request("POST", "/workloads").build();

        assertThat(guard.token()).hasSizeGreaterThan(20);
        assertThat(guard.refuseForm(request, guard.token())).isNull();
        assertThat(guard.refuseForm(request, null)).contains("token");
        assertThat(new CrossSiteGuard().token()).isNotEqualTo(guard.token());
    }
}
