package io.hybridge.workloads.internal.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Image references, topic filters, seconds and suggestions: the pieces the rules are made of. */
class SmallRulesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "vision|                                  |vision|         |",
        "hybridge/vision:0.1.0-SNAPSHOT|          |hybridge/vision|0.1.0-SNAPSHOT|",
        "localhost/vision|                        localhost|vision||",
        "127.0.0.1:15000/hybridge/vision:1|       127.0.0.1:15000|hybridge/vision|1|",
        "Registry.Local/a/b|                      Registry.Local|a/b||",
        "registry.local:5000/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|"
                + " registry.local:5000|a||sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void splitsImageReferences(String reference, String registry, String repository, String tag, String digest) {
        assertThat(ImageReference.parse(reference)).isEqualTo(new ImageReference(nonNull(registry), repository,
                nonNull(tag), nonNull(digest)));
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    @Test
    void refusesImageReferencesDockerWouldRefuse() {
        for (String reference : List.of("", "a:", "a@", "-a", "a-", "a/-b", "a_-b", "a___b", "a/B", "reg..io/a",
                "-reg.io/a", "reg.io:0/a", "a:" + "t".repeat(129), "a/" + "b".repeat(255))) {
            assertThatThrownBy(() -> ImageReference.parse(reference)).as(reference)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void checksTopicFiltersAndTopics() {
        for (String filter : List.of("#", "+", "a/+/b", "a/#", "/", "a//b", "+/+/#")) {
            assertThat(TopicFilter.filterProblem(filter)).as(filter).isEmpty();
        }
        for (String filter : List.of("", "a#", "#/a", "a/#/", "a+", "+a/b", "a\u0000b", "x".repeat(65_536))) {
            assertThat(TopicFilter.filterProblem(filter)).as(filter).isPresent();
        }
        assertThat(TopicFilter.topicProblem("a/b")).isEmpty();
        assertThat(TopicFilter.topicProblem("a/+")).isPresent();
    }

    @ParameterizedTest
    @CsvSource({"#, a/b, true", "a/#, a, true", "a/#, a/b/c, true", "+/b, a/b, true", "a/+, a/b/c, false",
        "a/b, a/b, true", "a/b, a/c, false", "a, a/b, false", "a/b/c, a/b, false", "+, '', true"})
    void matchesTopicsToFilters(String filter, String topic, boolean matches) {
        assertThat(TopicFilter.matches(filter, topic)).isEqualTo(matches);
    }

    @Test
    void readsAndWritesSeconds() {
        assertThat(Seconds.toDuration(new BigDecimal("0.5"))).contains(Duration.ofMillis(500));
        assertThat(Seconds.toDuration(new BigDecimal("1E+2"))).contains(Duration.ofSeconds(100));
        assertThat(Seconds.toDuration(new BigDecimal("0.0000000004"))).contains(Duration.ZERO);
        assertThat(Seconds.toDuration(new BigDecimal("1e12"))).isEmpty();
        assertThat(Seconds.of(Duration.ofMillis(1500))).isEqualByComparingTo("1.5");
        assertThat(Seconds.asNumber(Duration.ofSeconds(60))).isEqualTo(60L);
        assertThat(Seconds.asNumber(Duration.ofMillis(250))).isEqualTo(new BigDecimal("0.25"));
        assertThat(Seconds.show(Duration.ofSeconds(-1))).isEqualTo("-1");
    }

    @Test
    void suggestsNearNamesOnly() {
        List<String> known = List.of("cpus", "memoryMiB", "pids");

        assertThat(ClosestName.to("memoryMB", known)).contains("memoryMiB");
        assertThat(ClosestName.to("MEMORYMIB", known)).contains("memoryMiB");
        assertThat(ClosestName.to("mem", known)).contains("memoryMiB");
        assertThat(ClosestName.to("cpu", known)).contains("cpus");
        assertThat(ClosestName.to("disk", known)).isEmpty();
        assertThat(ClosestName.suggestion("pid", known)).isEqualTo("; did you mean 'pids'?");
        assertThat(ClosestName.suggestion("x", List.of())).isEmpty();
    }
}
