package io.hybridge.cloud.internal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.hybridge.cloud.internal.payload.PayloadEncoding;

/** A route configuration's validation: every refusal names the PID, the field, the value and what is allowed. */
class RouteSettingsTest {

    private static final String PID = "io.hybridge.cloud.route~temperatures";

    private static RouteSettings settings(Object... keysAndValues) throws InvalidRouteException {
        Map<String, Object> properties = Configs.properties(PID, keysAndValues);
        return RouteSettings.from(Configs.route(properties), properties, PID);
    }

    @Test
    void defaultsMakeATelemetryRouteToTheCloud() throws Exception {
        RouteSettings route = settings("local.topic", "sensors/+/temperature");
        assertThat(route.direction()).isEqualTo(Direction.TO_CLOUD);
        assertThat(route.cloudApp()).isEqualTo("TELEMETRY");
        assertThat(route.cloudTopic()).isEqualTo("{topic}");
        assertThat(route.template().cloudTopic("sensors/s1/temperature")).isEqualTo("sensors/s1/temperature");
        assertThat(route.qos()).isEqualTo(1);
        assertThat(route.priority()).isEqualTo(5);
        assertThat(route.format()).isEqualTo(PayloadFormat.KURA);
        assertThat(route.encoding()).isEqualTo(PayloadEncoding.KURA_PROTOBUF);
        assertThat(route.ratePerSecond()).isZero();
        assertThat(route.aggregates()).isFalse();
        assertThat(route.describe()).isEqualTo("sensors/+/temperature -> TELEMETRY/{topic}");
    }

    @Test
    void fromCloudDefaultsToEverythingUnderTheApp() throws Exception {
        RouteSettings route = settings("direction", "from-cloud", "local.topic", "cloud/commands", "cloud.app", "CMD");
        assertThat(route.cloudTopic()).isEqualTo("#");
        assertThat(route.template()).isNull();
        assertThat(route.describe()).isEqualTo("CMD/# -> cloud/commands/...");
    }

    @Test
    void valuesFromACfgFileAreTextAndStillWork() throws Exception {
        RouteSettings route = settings("local.topic", " sensors/# ", "qos", "0", "priority", "9",
                "rate.limit.per.second", "2.5", "aggregation.window.seconds", "60", "payload.encoding", "json");
        assertThat(route.localTopic()).isEqualTo("sensors/#");
        assertThat(route.qos()).isZero();
        assertThat(route.priority()).isEqualTo(9);
        assertThat(route.ratePerSecond()).isEqualTo(2.5);
        assertThat(route.aggregationWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(route.encoding()).isEqualTo(PayloadEncoding.JSON);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "direction|sideways|'sideways'|to-cloud or from-cloud",
        "local.topic|sensors/#/x|'sensors/#/x'|'#' must be the whole last level",
        "local.topic|''|empty|a local topic filter",
        "cloud.app|TELE/METRY|'TELE/METRY'|one topic level",
        "cloud.topic|t/{3}|'t/{3}'|{1}..{1}",
        "qos|2|2|0 (at most once) or 1 (at least once)",
        "qos|-1|-1|0 (at most once) or 1",
        "qos|one|'one'|0 or 1",
        "priority|10|10|0 (first) to 9 (last)",
        "payload.format|xml|'xml'|kura or raw",
        "payload.encoding|avro|'avro'|kura-protobuf or json",
        "rate.limit.per.second|-1|-1.0|0 (unlimited) or a positive number",
        "rate.limit.per.second|NaN|NaN|0 (unlimited)",
        "aggregation.window.seconds|-5|-5|0 (no aggregation) to 86400 seconds",
        "aggregation.window.seconds|86401|86401|0 (no aggregation) to 86400 seconds",
    })
    void refusesNamingPidFieldValueAndWhatIsAllowed(String field, String value, String shown, String allowed) {
        Object configured = value.equals("''") ? "" : value;
        Object[] config = field.equals("local.topic")
                ? new Object[] {field, configured}
                : new Object[] {"local.topic", "sensors/+/temperature", field, configured};
        assertThatThrownBy(() -> settings(config)).isInstanceOf(InvalidRouteException.class)
                .hasMessageStartingWith("route " + PID + ": '" + field + "' is " + shown + "; allowed: ")
                .hasMessageContaining(allowed)
                .satisfies(e -> assertThat(((InvalidRouteException) e).field()).isEqualTo(field));
    }

    @Test
    void aMissingLocalTopicIsNamed() {
        assertThatThrownBy(() -> settings()).hasMessage("route " + PID
                + ": 'local.topic' is missing; allowed: a local topic filter, e.g. sensors/+/temperature or sensors/#");
    }

    @Test
    void fromCloudNeedsAPrefixAndAFilter() {
        assertThatThrownBy(() -> settings("direction", "from-cloud", "local.topic", "cloud/+"))
                .hasMessageContaining("'local.topic' is 'cloud/+'; allowed: a local topic prefix without '+' or '#'");
        assertThatThrownBy(() -> settings("direction", "from-cloud", "local.topic", "cloud/"))
                .hasMessageContaining("not ending in '/'");
        assertThatThrownBy(() -> settings("direction", "from-cloud", "local.topic", "cloud", "cloud.topic", "a/#/b"))
                .hasMessageContaining("'cloud.topic' is 'a/#/b'; allowed: a topic filter under the app");
    }

    @Test
    void onlyToCloudRoutesAggregateAndOnlyAsKuraPayloads() {
        assertThatThrownBy(() -> settings("direction", "from-cloud", "local.topic", "cloud",
                "aggregation.window.seconds", 60))
                .hasMessageContaining("'aggregation.window.seconds' is 60; allowed: 0 for a from-cloud route");
        assertThatThrownBy(() -> settings("local.topic", "sensors/#", "aggregation.window.seconds", 60,
                "payload.format", "raw"))
                .hasMessageContaining("'payload.format' is 'raw'; allowed: kura when aggregation.window.seconds is set");
    }
}
