package io.github.twofa.lifecycle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.importing.ImportLine;
import io.github.twofa.settings.RealmSettings;
import io.github.twofa.totp.AppName;
import io.github.twofa.totp.OtpAuthUriParser;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Imports authenticator apps set up in another system (their {@code otpauth://totp/} URIs) as apps of ours: each
 * secret sealed as ours are, named by the line's label, the URI's issuer, or "Authenticator app". Every line is checked
 * on its own and refused with its reason; a rerun leaves apps already imported alone. Nothing of a URI is ever logged
 * or answered.
 */
public final class AppImport {

    private static final Logger LOG = Logger.getLogger(AppImport.class);

    /** What an import did (or, in a dry run, would do). */
    public record Report(boolean dryRun, int lines, int imported, int alreadyPresent, List<Refusal> refused) {}

    /** A line left out, and why (never with its URI). */
    public record Refusal(int line, String username, String reason) {}

    private final KeycloakSession session;

    AppImport(KeycloakSession session) {
        this.session = session;
    }

    /** Checks every line, then (unless {@code dryRun}) stores the good ones; {@code refused} holds lines refused already while reading. */
    public Report run(RealmModel realm, List<ImportLine> lines, List<Refusal> refused, boolean dryRun) {
        List<Refusal> refusals = new ArrayList<>(refused);
        TotpCredentialProvider provider = TotpCredentialProvider.of(session);
        int maxApps = RealmSettings.maxApps(realm);
        Map<String, Integer> appsSoFar = new HashMap<>();
        int imported = 0;
        int alreadyPresent = 0;
        for (ImportLine line : lines) {
            UserModel user = line.username() == null || line.username().isBlank()
                    ? null
                    : session.users().getUserByUsername(realm, line.username());
            if (user == null) {
                // Not echoed: in a file with its columns swapped, the "username" is somebody's secret.
                refusals.add(new Refusal(line.line(), null, "no user with this username"));
                continue;
            }
            OtpAuthUriParser.Parsed parsed;
            try {
                parsed = OtpAuthUriParser.parse(line.otpauthUri());
            } catch (OtpAuthUriParser.Invalid invalid) {
                refusals.add(new Refusal(line.line(), line.username(), invalid.getMessage()));
                continue;
            }
            String fallback = parsed.issuer().orElse(TotpCredentialProvider.DEFAULT_LABEL);
            // An issuer that cannot be a name (too long) gives way to the default; a label that cannot is refused.
            Optional<String> name = line.label() == null || line.label().isBlank()
                    ? AppName.normalise(fallback, TotpCredentialProvider.DEFAULT_LABEL)
                            .or(() -> Optional.of(TotpCredentialProvider.DEFAULT_LABEL))
                    : AppName.normalise(line.label(), fallback);
            if (name.isEmpty()) {
                refusals.add(new Refusal(
                        line.line(),
                        line.username(),
                        "the label must have at most " + AppName.MAX_LENGTH + " characters and no control characters"));
                continue;
            }
            if (provider.hasApp(realm, user, parsed.secret())) {
                alreadyPresent++;
                continue;
            }
            int apps = appsSoFar.computeIfAbsent(
                    user.getId(), id -> provider.apps(user).size());
            if (apps >= maxApps) {
                refusals.add(new Refusal(
                        line.line(),
                        line.username(),
                        "the user has " + maxApps + " apps, as many as the realm allows"));
                continue;
            }
            appsSoFar.put(user.getId(), apps + 1);
            if (!dryRun) {
                provider.enrol(realm, user, parsed.secret(), parsed.parameters(), name.get());
            }
            imported++;
        }
        refusals.sort((a, b) -> Integer.compare(a.line(), b.line()));
        LOG.debugf(
                "Import into realm %s: %d lines, %d apps %s, %d already present, %d refused",
                realm.getName(),
                lines.size() + refused.size(),
                imported,
                dryRun ? "would be imported" : "imported",
                alreadyPresent,
                refusals.size());
        return new Report(dryRun, lines.size() + refused.size(), imported, alreadyPresent, List.copyOf(refusals));
    }
}
