package io.hybridge.device.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The known boards: the profiles built into the bundle, overridden by id by the operator's
 * files. A file that cannot be read is skipped and reported (one broken file must not stop
 * the gateway from knowing the other boards).
 */
final class ProfileCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileCatalog.class);

    private final Map<String, BoardProfile> byId;
    private final List<String> problems;

    private ProfileCatalog(Map<String, BoardProfile> byId, List<String> problems) {
        this.byId = Map.copyOf(byId);
        this.problems = List.copyOf(problems);
    }

    static ProfileCatalog load(Collection<ProfileSource> builtIn, Collection<ProfileSource> operator) {
        Map<String, BoardProfile> byId = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Map<String, BoardProfile> fromOperator = new TreeMap<>();
        addAll(builtIn, byId, problems);
        addAll(operator, fromOperator, problems);
        fromOperator.forEach((id, board) -> {
            BoardProfile replaced = byId.put(id, board);
            if (replaced != null && !replaced.sameFactsAs(board)) {
                LOG.info("Device profile {} from {} replaces the built-in one", id, board.origin());
            }
        });
        return new ProfileCatalog(byId, problems);
    }

    private static void addAll(Collection<ProfileSource> sources, Map<String, BoardProfile> into, List<String> problems) {
        for (ProfileSource source : sources) {
            try {
                BoardProfile board = BoardProfileReader.read(source);
                BoardProfile first = into.putIfAbsent(board.id(), board);
                if (first != null) {
                    problems.add(source.origin() + ": id '" + board.id() + "' is already used by " + first.origin()
                            + "; ignoring this file. Give each board its own id.");
                }
            } catch (InvalidProfileException e) {
                problems.add(e.getMessage());
            }
        }
    }

    Optional<BoardProfile> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Known ids, sorted, for messages that must say what would be right. */
    List<String> ids() {
        return byId.keySet().stream().sorted().toList();
    }

    Collection<BoardProfile> boards() {
        return byId.values();
    }

    /** Files that could not be used, one message each. */
    List<String> problems() {
        return problems;
    }

    /** The board these facts describe best: the longest matching prefix wins, then the smaller id. */
    Optional<BoardProfile> match(MachineFacts facts) {
        return byId.values().stream()
                .filter(board -> board.match().score(board.architecture(), facts) != MatchRules.NO_MATCH)
                .max(Comparator.<BoardProfile>comparingInt(board -> board.match().score(board.architecture(), facts))
                        .thenComparing(BoardProfile::id, Comparator.reverseOrder()));
    }
}
