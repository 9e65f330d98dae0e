package io.hybridge.fleet.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * The waves of a rollout, e.g. {@code 1,10%,50%,100%}: each entry is the cumulative number of
 * gateways done after that wave, as a count or a percentage of the target group (rounded up, so
 * 10% of 5 is 1). A wave that would add nobody is dropped; gateways left after the last entry
 * form one more wave, so a rollout always covers its whole group.
 */
public final class WavePlan {
    private final String spec;
    private final List<Entry> entries;

    private record Entry(int count, int percent) {
        int cumulative(int total) {
            return count >= 0 ? Math.min(count, total) : (int) Math.min(total, ((long) percent * total + 99) / 100);
        }
    }

    private WavePlan(String spec, List<Entry> entries) {
        this.spec = spec;
        this.entries = entries;
    }

    /** @throws IllegalArgumentException naming the entry that is not a positive count or a percentage 1–100 */
    public static WavePlan parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("waves '' are empty: give counts or percentages, e.g. 1,10%,50%,100%");
        }
        List<Entry> entries = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String part = raw.trim();
            try {
                if (part.endsWith("%")) {
                    int percent = Integer.parseInt(part.substring(0, part.length() - 1).trim());
                    if (percent < 1 || percent > 100) {
                        throw new NumberFormatException();
                    }
                    entries.add(new Entry(-1, percent));
                } else {
                    int count = Integer.parseInt(part);
                    if (count < 1) {
                        throw new NumberFormatException();
                    }
                    entries.add(new Entry(count, -1));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("wave '" + part + "' in '" + spec
                        + "' is neither a positive count nor a percentage from 1% to 100%");
            }
        }
        return new WavePlan(spec.trim(), entries);
    }

    public String spec() {
        return spec;
    }

    /** The number of gateways in each wave for a group of {@code total}; their sum is {@code total}. */
    public List<Integer> sizes(int total) {
        List<Integer> sizes = new ArrayList<>();
        int done = 0;
        for (Entry e : entries) {
            int upTo = Math.max(done, e.cumulative(total));
            if (upTo > done) {
                sizes.add(upTo - done);
                done = upTo;
            }
        }
        if (done < total) {
            sizes.add(total - done);
        }
        return sizes;
    }

    /** The wave (0-based) of each of {@code total} gateways, in order. */
    public int[] assign(int total) {
        int[] waves = new int[total];
        int i = 0;
        int wave = 0;
        for (int size : sizes(total)) {
            for (int k = 0; k < size; k++) {
                waves[i++] = wave;
            }
            wave++;
        }
        return waves;
    }

    @Override
    public String toString() {
        return spec;
    }
}
