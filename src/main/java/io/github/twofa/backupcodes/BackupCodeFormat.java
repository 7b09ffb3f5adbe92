package io.github.twofa.backupcodes;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Backup codes: 10 characters of Crockford's Base32 (50 bits), shown as {@code xxxxx-xxxxx}. The alphabet has no
 * i, l, o or u, and input is normalised the Crockford way (o to 0, i and l to 1), so no character can be misread.
 */
public final class BackupCodeFormat {

    public static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    public static final int LENGTH = 10;
    public static final int BITS = LENGTH * 5;
    private static final int MAX_INPUT_LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupCodeFormat() {}

    /** {@code count} distinct codes in their canonical form (no dash). */
    public static List<String> generate(int count) {
        List<String> codes = new ArrayList<>(count);
        while (codes.size() < count) {
            StringBuilder code = new StringBuilder(LENGTH);
            for (int i = 0; i < LENGTH; i++) {
                code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            if (!codes.contains(code.toString())) {
                codes.add(code.toString());
            }
        }
        return codes;
    }

    /** The form users see: {@code abcde-fghjk}. */
    public static String display(String canonical) {
        return canonical.substring(0, LENGTH / 2) + "-" + canonical.substring(LENGTH / 2);
    }

    /**
     * The canonical code for what a user typed: case, spaces and dashes ignored, o read as 0, i and l as 1.
     * Empty when the input cannot be a backup code.
     */
    public static Optional<String> normalise(String input) {
        if (input == null || input.length() > MAX_INPUT_LENGTH) {
            return Optional.empty();
        }
        StringBuilder code = new StringBuilder(LENGTH);
        for (char c : input.toCharArray()) {
            if (c == ' ' || c == '-' || c == '\u00a0') {
                continue;
            }
            // ASCII only, before case folding: Unicode lower-cases some letters (the Kelvin sign) to ASCII ones.
            if (c > 0x7f) {
                return Optional.empty();
            }
            char mapped = switch (Character.toLowerCase(c)) {
                case 'o' -> '0';
                case 'i', 'l' -> '1';
                default -> Character.toLowerCase(c);
            };
            if (ALPHABET.indexOf(mapped) < 0) {
                return Optional.empty();
            }
            code.append(mapped);
        }
        return code.length() == LENGTH ? Optional.of(code.toString()) : Optional.empty();
    }
}
