package io.hybridge.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

    private static boolean covers(String rule, String request) {
        return TopicFilter.parse(rule).covers(request, "alice", "client-1");
    }

    @Nested
    class TopicNames {

        @ParameterizedTest(name = "{0} matches {1}")
        @CsvSource({
            "sport/tennis/player1, sport/tennis/player1",
            "sport/#, sport",
            "sport/#, sport/tennis",
            "sport/#, sport/tennis/player1/ranking",
            "sport/#, sport/",
            "#, sport",
            "#, /",
            "#, /sport",
            "+, sport",
            "+/tennis, sport/tennis",
            "sport/+, sport/",
            "sport/+/player1, sport/tennis/player1",
            "+/+, /sport",
            "/+, /sport",
            "+/+/+, a/b/c",
            "$SYS/#, $SYS/broker/clients",
            "$SYS/+, $SYS/uptime",
            "sport/+/#, sport/tennis",
            "sport/+/#, sport/tennis/player1",
            "a//b, a//b",
        })
        void matching(String rule, String topic) {
            assertThat(covers(rule, topic)).isTrue();
        }

        @ParameterizedTest(name = "{0} does not match {1}")
        @CsvSource({
            "sport/tennis, sport/tennis/player1",
            "sport/tennis/player1, sport/tennis",
            "sport/+, sport",
            "sport/+, sport/tennis/player1",
            "+, /sport",
            "+, sport/",
            "+/tennis, sport/tennis/player1",
            "#, $SYS/broker",
            "#, $SYS",
            "+/broker, $SYS/broker",
            "+, $SYS",
            "sport/#, sports",
            "sport/#, sports/tennis",
            "Sport/#, sport/tennis",
            "sport/+/#, sport",
            "a/b, a//b",
        })
        void notMatching(String rule, String topic) {
            assertThat(covers(rule, topic)).isFalse();
        }
    }

    @Nested
    class RequestedFilters {

        @ParameterizedTest(name = "{0} covers {1}")
        @CsvSource({
            "#, #",
            "#, sport/#",
            "#, +/tennis",
            "sport/#, sport/#",
            "sport/#, sport/+",
            "sport/#, sport/+/player1",
            "sport/#, sport/tennis/#",
            "sport/+, sport/+",
            "sport/+/player1, sport/+/player1",
            "+/+, +/tennis",
            "$SYS/#, $SYS/#",
        })
        void covering(String rule, String filter) {
            assertThat(covers(rule, filter)).isTrue();
        }

        @ParameterizedTest(name = "{0} does not cover {1}")
        @CsvSource({
            "sport/#, #",
            "sport/#, +/tennis",
            "sport/+, sport/#",
            "sport/tennis, sport/+",
            "sport/tennis, sport/#",
            "sport/+/player1, sport/+/+",
            "+, #",
            "#, $SYS/#",
            "+/#, $SYS/#",
        })
        void notCovering(String rule, String filter) {
            assertThat(covers(rule, filter)).isFalse();
        }
    }

    @Nested
    class Substitution {

        @Test
        void usernameAndClientIdStandForOneLevel() {
            TopicFilter rule = TopicFilter.parse("devices/%u/%c/#");
            assertThat(rule.covers("devices/alice/c1/temp", "alice", "c1")).isTrue();
            assertThat(rule.covers("devices/alice/c1", "alice", "c1")).isTrue();
            assertThat(rule.covers("devices/bob/c1/temp", "alice", "c1")).isFalse();
            assertThat(rule.covers("devices/alice/c2/temp", "alice", "c1")).isFalse();
        }

        @Test
        void substitutesWithinALevel() {
            TopicFilter rule = TopicFilter.parse("home/user-%u/in");
            assertThat(rule.covers("home/user-alice/in", "alice", "c")).isTrue();
            assertThat(rule.covers("home/user-bob/in", "alice", "c")).isFalse();
        }

        @Test
        void substitutesInOnePassSoAUsernameCannotInjectPercentC() {
            TopicFilter rule = TopicFilter.parse("u/%u");
            assertThat(rule.covers("u/%c", "%c", "client")).isTrue();
            assertThat(rule.covers("u/client", "%c", "client")).isFalse();
        }

        @ParameterizedTest(name = "client id ''{0}'' matches nothing through %c")
        @ValueSource(strings = {"#", "+", "a/b", "", "a+", "x#"})
        void unsafeValuesMatchNothing(String clientId) {
            TopicFilter rule = TopicFilter.parse("clients/%c/#");
            assertThat(rule.covers("clients/" + clientId + "/x", "alice", clientId)).isFalse();
            assertThat(rule.covers("clients/a/x", "alice", clientId)).isFalse();
            assertThat(rule.covers("clients/#", "alice", clientId)).isFalse();
        }

        @Test
        void missingUsernameMatchesNothingThroughPercentU() {
            assertThat(TopicFilter.parse("u/%u").covers("u/null", null, "c")).isFalse();
        }

        @Test
        void rulesWithoutPlaceholdersIgnoreUsernameAndClientId() {
            assertThat(TopicFilter.parse("a/#").covers("a/b", null, null)).isTrue();
        }

        @Test
        void otherPercentSequencesAreLiteral() {
            assertThat(TopicFilter.parse("rate/%x/%").covers("rate/%x/%", "u", "c")).isTrue();
        }
    }

    @Nested
    class Parsing {

        @ParameterizedTest(name = "''{0}'' is refused")
        @ValueSource(strings = {"", "sport/#/ranking", "sport#", "#/a", "sport/tennis#", "sport+", "sport/+tennis", "##", "a/++"})
        void malformedFiltersAreRefusedWithAReason(String filter) {
            assertThatThrownBy(() -> TopicFilter.parse(filter))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("e.g.");
        }

        @Test
        void nullIsRefused() {
            assertThatThrownBy(() -> TopicFilter.parse(null)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void hashMustBeLastAndSaysSo() {
            assertThatThrownBy(() -> TopicFilter.parse("a/#/b"))
                    .hasMessage("topic filter 'a/#/b': '#' must be a whole level and the last one, e.g. 'sensors/#'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"#", "+", "/", "a", "a/b/c", "+/+/#", "$SYS/#", "a//b", "devices/%u/#"})
        void wellFormedFiltersParse(String filter) {
            assertThat(TopicFilter.parse(filter).pattern()).isEqualTo(filter);
        }

        @Test
        void emptyRequestIsNeverCovered() {
            assertThat(covers("#", "")).isFalse();
        }
    }

    @Test
    void topicNamesHaveNoWildcards() {
        assertThat(TopicFilter.isTopicName("a/b")).isTrue();
        assertThat(TopicFilter.isTopicName("a/+")).isFalse();
        assertThat(TopicFilter.isTopicName("a/#")).isFalse();
        assertThat(TopicFilter.isTopicName("")).isFalse();
        assertThat(TopicFilter.isTopicName(null)).isFalse();
    }
}
