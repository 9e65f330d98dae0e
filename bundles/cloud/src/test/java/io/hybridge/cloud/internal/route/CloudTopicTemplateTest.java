package io.hybridge.cloud.internal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CloudTopicTemplateTest {

    private static String map(String filter, String template, String localTopic) {
        WildcardFilter parsed = WildcardFilter.parse(filter);
        return CloudTopicTemplate.parse(template, parsed).cloudTopic(localTopic);
    }

    @ParameterizedTest(name = "{0} with {1}: {2} -> {3}")
    @CsvSource({
        "sensors/+/temperature, {topic},            sensors/s1/temperature,  sensors/s1/temperature",
        "sensors/+/temperature, temperature/{1},    sensors/s1/temperature,  temperature/s1",
        "sensors/+/+,           {2}/{1},            sensors/s1/humidity,     humidity/s1",
        "sensors/#,             all/{1},            sensors/s1/a/b,          all/s1/a/b",
        "sensors/#,             all/{1},            sensors,                 all/",
        "+/+/#,                 {3}/{2}/{1},        a/b/c/d,                 c/d/b/a",
        "plant/line1,           line-one,           plant/line1,             line-one",
        "sensors/+/temperature, gw/{topic}/{1},     sensors/s1/temperature,  gw/sensors/s1/temperature/s1",
    })
    void mapsLocalTopicsToCloudTopics(String filter, String template, String localTopic, String cloudTopic) {
        assertThat(map(filter, template, localTopic)).isEqualTo(cloudTopic);
    }

    @Test
    void aTopicOutsideTheFilterHasNoCloudTopic() {
        assertThat(map("sensors/+/temperature", "{1}", "sensors/s1/humidity")).isNull();
        assertThat(map("#", "{1}", "$SYS/broker")).as("wildcards do not reach $ topics").isNull();
    }

    @Test
    void anEmptyResultHasNoCloudTopic() {
        assertThat(map("sensors/#", "{1}", "sensors")).isNull();
    }

    @Test
    void refusesPlaceholdersTheFilterCannotFill() {
        WildcardFilter filter = WildcardFilter.parse("sensors/+/temperature");
        assertThatThrownBy(() -> CloudTopicTemplate.parse("t/{2}", filter))
                .hasMessageContaining("{2}").hasMessageContaining("{1}..{1}");
        assertThatThrownBy(() -> CloudTopicTemplate.parse("t/{0}", filter)).hasMessageContaining("{0}");
        assertThatThrownBy(() -> CloudTopicTemplate.parse("t/{name}", filter)).hasMessageContaining("{name}");
        assertThatThrownBy(() -> CloudTopicTemplate.parse("{1}", WildcardFilter.parse("plant/line1")))
                .hasMessageContaining("has no wildcards");
        assertThatThrownBy(() -> CloudTopicTemplate.parse("t/{1", filter)).hasMessageContaining("without '}'");
        assertThatThrownBy(() -> CloudTopicTemplate.parse("t/#", filter)).hasMessageContaining("without '+', '#'");
    }

    @Test
    void filtersAreCheckedLikeMqtt() {
        assertThatThrownBy(() -> WildcardFilter.parse("sensors/#/x")).hasMessageContaining("'#' must be the whole last level");
        assertThatThrownBy(() -> WildcardFilter.parse("sensors/a+")).hasMessageContaining("'+' must be a whole level");
        assertThatThrownBy(() -> WildcardFilter.parse("")).hasMessageContaining("must not be empty");
        assertThat(WildcardFilter.parse("a/+/#").wildcards()).isEqualTo(2);
    }
}
