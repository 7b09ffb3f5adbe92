package io.github.twofa.importing;

/**
 * One line of an import of authenticator apps from another system: whose app, its {@code otpauth://} URI, and the
 * name to give it. {@link #toString()} leaves the URI out, so a line can never put a secret in a log.
 *
 * @param line where the line was in the request (1-based: the CSV line, or the JSON array entry)
 * @param label the app's name, or null to use the URI's issuer
 */
public record ImportLine(int line, String username, String otpauthUri, String label) {

    @Override
    public String toString() {
        return "ImportLine[line=" + line + ", username=" + username + ", otpauthUri=redacted, label=" + label + "]";
    }
}
