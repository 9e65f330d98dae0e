package io.hybridge.fleet.inventory;

/** A group query that does not parse; the message names the 1-based position and what would be right there. */
public final class QuerySyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int position;

    QuerySyntaxException(String query, int index, String expected) {
        super("query '" + query + "', position " + (index + 1) + ": " + expected);
        this.position = index + 1;
    }

    /** 1-based position of the error in the query. */
    public int position() {
        return position;
    }
}
