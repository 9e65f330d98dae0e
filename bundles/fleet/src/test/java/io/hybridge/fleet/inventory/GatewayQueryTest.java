package io.hybridge.fleet.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class GatewayQueryTest {
    private final Gateway rpi = new Gateway(new GatewayId("acme", "gw-1"), true, 0,
            Map.of("model_id", "rpi4", "deploy.packages", "io.acme.sensor@1.2.0,io.acme.vision@3.0.0", "display_name", "Hall A"));
    private final Gateway nuc = new Gateway(new GatewayId("acme", "gw-2"), false, 0,
            Map.of("model_id", "nuc", "deploy.packages", "io.acme.sensor@2.0.0"));

    private boolean matches(String q, Gateway g) {
        return GatewayQuery.parse(q).matches(g);
    }

    @Test
    void comparesMetrics() {
        assertThat(matches("model_id=rpi4 and deploy.packages~io.acme.sensor@1.", rpi)).isTrue();
        assertThat(matches("model_id=rpi4 and deploy.packages~io.acme.sensor@1.", nuc)).isFalse();
        assertThat(matches("model_id!=rpi4", nuc)).isTrue();
        assertThat(matches("client_id^=gw- and online=false", nuc)).isTrue();
        assertThat(matches("display_name=\"Hall A\"", rpi)).isTrue();
        assertThat(matches("deploy.packages!~vision", nuc)).isTrue();
        assertThat(matches("missing.metric=\"\"", rpi)).isTrue();
        assertThat(matches("*", nuc)).isTrue();
    }

    @Test
    void precedenceAndParentheses() {
        assertThat(matches("model_id=nuc or model_id=rpi4 and online=false", rpi)).isFalse();
        assertThat(matches("(model_id=nuc or model_id=rpi4) and online=true", rpi)).isTrue();
        assertThat(matches("not (model_id=nuc)", rpi)).isTrue();
        assertThat(matches("NOT model_id=nuc AND account=acme", rpi)).isTrue();
    }

    @Test
    void errorsNameThePosition() {
        assertThatThrownBy(() -> GatewayQuery.parse("model_id rpi4"))
                .isInstanceOf(QuerySyntaxException.class)
                .hasMessage("query 'model_id rpi4', position 10: expected an operator (=, !=, ~, !~, ^=) after 'model_id'");
        assertThatThrownBy(() -> GatewayQuery.parse("model_id=rpi4 and")).hasMessageContaining("position 18: expected a metric name");
        assertThatThrownBy(() -> GatewayQuery.parse("(model_id=rpi4")).hasMessageContaining("position 15: expected ')'");
        assertThatThrownBy(() -> GatewayQuery.parse("a=b c=d")).hasMessageContaining("position 5: expected 'and', 'or'");
        assertThatThrownBy(() -> GatewayQuery.parse("a=\"open")).hasMessageContaining("position 3: unterminated string");
    }
}
