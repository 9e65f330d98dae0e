package io.hybridge.cloud.internal.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicMatcherTest {

    @Test
    void matchesWildcards() {
        assertThat(TopicMatcher.matches("a/+/c", "a/b/c")).isTrue();
        assertThat(TopicMatcher.matches("a/+/c", "a/b/d")).isFalse();
        assertThat(TopicMatcher.matches("a/#", "a")).isTrue();
        assertThat(TopicMatcher.matches("a/#", "a/b/c")).isTrue();
        assertThat(TopicMatcher.matches("a/b", "a/b/c")).isFalse();
        assertThat(TopicMatcher.matches("a/b/c", "a/b")).isFalse();
    }

    @Test
    void refusesMalformedFilters() {
        assertThatThrownBy(() -> TopicMatcher.requireValidFilter("a/#/b")).hasMessageContaining("last one");
        assertThatThrownBy(() -> TopicMatcher.requireValidFilter("a/b+")).hasMessageContaining("whole level");
        assertThatThrownBy(() -> TopicMatcher.requireValidFilter("")).hasMessageContaining("empty");
    }
}
