package io.hybridge.fleet.rollout;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A rollout's figures: per wave, counts of target states; per gateway, its state; durations. */
public record RolloutStatus(Rollout rollout, Unit unit, List<WaveStatus> waves, List<Target> targets) {

    public record WaveStatus(int wave, int size, Map<TargetState, Integer> counts) {
        public int count(TargetState s) {
            return counts.getOrDefault(s, 0);
        }
    }

    public static RolloutStatus of(Rollout r, List<Target> targets, Unit unit) {
        Map<Integer, Map<TargetState, Integer>> per = new LinkedHashMap<>();
        for (Target t : targets) {
            per.computeIfAbsent(t.wave(), w -> new EnumMap<>(TargetState.class)).merge(t.state(), 1, Integer::sum);
        }
        List<WaveStatus> waves = new ArrayList<>();
        per.forEach((w, c) -> waves.add(new WaveStatus(w, c.values().stream().mapToInt(Integer::intValue).sum(), c)));
        waves.sort((a, b) -> Integer.compare(a.wave(), b.wave()));
        return new RolloutStatus(r, unit, waves, targets);
    }

    public long count(TargetState s) {
        return targets.stream().filter(t -> t.state() == s).count();
    }

    /** Human-readable, for the CLI. */
    public String render(boolean perGateway) {
        StringBuilder b = new StringBuilder();
        Rollout r = rollout;
        b.append("rollout ").append(r.id()).append(" '").append(r.name()).append("' (").append(r.kind()).append(") ")
                .append(r.state());
        if (r.reason() != null) {
            b.append(": ").append(r.reason());
        }
        b.append('\n');
        if (unit != null) {
            b.append("  unit ").append(unit.label()).append(" sha256 ").append(unit.sha256Hex(), 0, 16).append("… ")
                    .append(unit.size()).append(" bytes").append(unit.signature() != null ? ", signed by key " + unit.keyId() : ", unsigned")
                    .append('\n');
        }
        b.append("  waves ").append(r.waves()).append(", success ≥").append(r.successPercent()).append("%, errors >")
                .append(r.errorPercent()).append("% → ").append(r.errorAction().name().toLowerCase()).append(", current wave ")
                .append(r.currentWave() + 1).append(" of ").append(waves.size()).append('\n');
        for (WaveStatus w : waves) {
            b.append("  wave ").append(w.wave() + 1).append(" (").append(w.size()).append("):");
            w.counts().forEach((s, n) -> b.append(' ').append(s.name().toLowerCase()).append('=').append(n));
            b.append('\n');
        }
        if (perGateway) {
            for (Target t : targets) {
                b.append("    ").append(t.gateway()).append(" wave ").append(t.wave() + 1).append(' ')
                        .append(t.state().name().toLowerCase());
                if (t.state().inFlight()) {
                    b.append(' ').append(t.progress()).append('%');
                }
                if (t.message() != null) {
                    b.append(" — ").append(t.message());
                }
                b.append('\n');
            }
        }
        return b.toString();
    }
}
