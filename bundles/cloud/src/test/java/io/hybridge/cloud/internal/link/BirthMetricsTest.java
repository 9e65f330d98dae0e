package io.hybridge.cloud.internal.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hybridge.api.cloud.BirthContributor;
import io.hybridge.api.cloud.KuraPayload;

class BirthMetricsTest {

    private static CloudSettings settings() {
        CloudConfig config = (CloudConfig) Proxy.newProxyInstance(CloudConfig.class.getClassLoader(),
                new Class<?>[] {CloudConfig.class}, (proxy, method, args) -> method.getName().equals("broker_uri")
                        ? "tcp://127.0.0.1:1883" : method.getDefaultValue());
        return CloudSettings.from(config, name -> name.equals("HYBRIDGE_CLOUD_URI") ? "tcp://127.0.0.1:1883" : null,
                Path.of("/var/hybridge"));
    }

    @Test
    void contributedMetricsJoinTheBirth() {
        BirthContributor deploy = () -> Map.of("deploy.packages", "a@1.0.0,b@2.0.0", "deploy.unsigned.allowed", false);
        KuraPayload birth = new BirthMetrics("1.0.0").birth(new BirthMetrics.Facts(settings(), null,
                List.of("CONF-V2", "DEPLOY-V2"), null, List.of(deploy)));
        assertThat(birth.metric("deploy.packages")).isEqualTo("a@1.0.0,b@2.0.0");
        assertThat(birth.metric("deploy.unsigned.allowed")).isEqualTo(false);
        assertThat(birth.metric("application_ids")).isEqualTo("CONF-V2,DEPLOY-V2");
    }

    @Test
    void aContributorCannotOverrideTheGatewaysIdentityNorBreakTheBirth() {
        BirthContributor impostor = () -> Map.of("model_name", "fake", "x.extra", 1L);
        BirthContributor broken = () -> {
            throw new IllegalStateException("boom");
        };
        KuraPayload birth = new BirthMetrics("1.0.0").birth(new BirthMetrics.Facts(settings(), null, List.of(), null,
                List.of(impostor, broken)));
        assertThat(birth.metric("model_name")).isEqualTo("unknown");
        assertThat(birth.metric("x.extra")).isEqualTo(1L);
    }
}
