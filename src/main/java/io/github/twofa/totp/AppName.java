package io.github.twofa.totp;

import java.util.Optional;

/**
 * The name a user gives an authenticator app ("Phone", "Tablet", "Телефон"): any script, at most
 * {@value #MAX_LENGTH} characters, no control characters. Names are shown as text everywhere (never as markup).
 */
public final class AppName {

    public static final int MAX_LENGTH = 64;

    private AppName() {}

    /**
     * The name to store for what the user typed: trimmed, {@code fallback} when blank; empty when it is too long or
     * holds control or invisible formatting characters (a right-to-left override could make one name look like
     * another).
     */
    /** Control, invisible formatting, line and paragraph separators, and halves of a surrogate pair on their own. */
    private static boolean isUnfit(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE
                || type == Character.UNASSIGNED;
    }

    public static Optional<String> normalise(String input, String fallback) {
        if (input == null || input.isBlank()) {
            return Optional.of(fallback);
        }
        String name = input.strip();
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            return Optional.empty();
        }
        boolean clean = name.codePoints().noneMatch(AppName::isUnfit);
        return clean ? Optional.of(name) : Optional.empty();
    }
}
