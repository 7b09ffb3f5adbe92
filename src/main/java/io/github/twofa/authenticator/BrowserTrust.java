package io.github.twofa.authenticator;

import java.util.Map;
import java.util.Optional;

import io.github.twofa.credential.TrustedBrowsers;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.metrics.TwoFactorMetrics;
import io.github.twofa.settings.ProviderIds;
import io.github.twofa.trust.BrowserToken;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * "Don't ask for a code on this browser for N days": the login step's setting, the cookie, and when it may spare the
 * user the code. It never may on "forgot password" or identity-provider logins, when the client asks for a fresh
 * login ({@code prompt=login}), for an authentication level ({@code acr_values}) or for a login more recent than the
 * browser's last code ({@code max_age}), nor for a user locked out by the attempt limit. A login it spares does not
 * count as a code: the step is not completed, so {@code amr} does not claim {@code otp} and nothing that needs a
 * recent code (adding an app) takes it as one.
 */
public final class BrowserTrust {

    /** Step setting: days a browser may be trusted (1 to 90), or 0 (off, the default). */
    public static final String CONFIG_DAYS = "twofa.trust-browser-days";

    public static final int MAX_DAYS = 90;

    /** Authentication-session note: the trusted-browser record that spared this login the code. */
    public static final String USED_NOTE = "twofa.trusted-browser";

    private static final Logger LOG = Logger.getLogger(BrowserTrust.class);

    private BrowserTrust() {}

    /** The step setting's days; 0 when off or unreadable. */
    public static int days(Map<String, String> config) {
        String value = config == null ? null : config.get(CONFIG_DAYS);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int days = Integer.parseInt(value.strip());
            return days >= 1 && days <= MAX_DAYS ? days : 0;
        } catch (NumberFormatException unreadable) {
            LOG.warnf(
                    "Step setting %s=%s is not a number of days from 1 to %d; trusting browsers is off",
                    CONFIG_DAYS, value, MAX_DAYS);
            return 0;
        }
    }

    /**
     * Whether this browser login may go on without the code because the user trusted this browser; records which
     * record did, for the login's event.
     */
    static boolean sparesCode(KeycloakSession session, RealmModel realm, UserModel user) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession == null || !isBrowserLogin(session)) {
            return false;
        }
        if (authSession.getAuthNote(USED_NOTE) != null) {
            return true;
        }
        int days = days(ExecutionConfigLookup.forCurrentFlow(session, realm, ProviderIds.BROWSER_STEP, false));
        if (days == 0 || clientWantsACode(authSession)) {
            return false;
        }
        Optional<BrowserToken> token = cookie(session, realm, user).flatMap(BrowserToken::parse);
        if (token.isEmpty()
                || TwoFactorService.of(session)
                        .loginLimiter()
                        .lockedForSeconds(realm.getId(), user.getId())
                        .isPresent()) {
            return false;
        }
        Optional<TrustedBrowsers.Trust> trust = TrustedBrowsers.match(user, token.get());
        if (trust.isEmpty() || codeOlderThanMaxAge(authSession, trust.get())) {
            return false;
        }
        authSession.setAuthNote(USED_NOTE, trust.get().id());
        TwoFactorMetrics.checked(
                realm.getName(), TwoFactorMetrics.Factor.TRUSTED_BROWSER, TwoFactorMetrics.Outcome.OK, -1);
        return true;
    }

    /** Trusts this browser for the user after a right code: a new record and its cookie. */
    static void trust(KeycloakSession session, RealmModel realm, UserModel user, String appCredentialId, int days) {
        String userAgent = session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.USER_AGENT);
        BrowserToken token = TrustedBrowsers.trust(user, appCredentialId, userAgent, days);
        boolean https = "https"
                .equalsIgnoreCase(session.getContext().getUri().getBaseUri().getScheme());
        session.getContext()
                .getHttpResponse()
                .setCookieIfAbsent(new NewCookie.Builder(TrustedBrowsers.cookieName(realm, user))
                        .value(token.value())
                        .path("/realms/" + realm.getName() + "/")
                        .maxAge(days * 86_400)
                        .httpOnly(true)
                        .secure(https)
                        .sameSite(NewCookie.SameSite.LAX)
                        .build());
    }

    private static Optional<String> cookie(KeycloakSession session, RealmModel realm, UserModel user) {
        Cookie cookie =
                session.getContext().getRequestHeaders().getCookies().get(TrustedBrowsers.cookieName(realm, user));
        return Optional.ofNullable(cookie).map(Cookie::getValue);
    }

    /** The realm's browser login: the authorization endpoint and the login pages' flow (not reset or broker). */
    private static boolean isBrowserLogin(KeycloakSession session) {
        String path = session.getContext().getUri().getPath();
        return path.endsWith("/protocol/openid-connect/auth") || path.endsWith("/login-actions/authenticate");
    }

    private static boolean clientWantsACode(AuthenticationSessionModel authSession) {
        String prompt = authSession.getClientNote("prompt");
        String acr = authSession.getClientNote("acr_values");
        String claims = authSession.getClientNote("claims");
        return (prompt != null && prompt.contains("login")) || (acr != null && !acr.isBlank()) || asksForAcr(claims);
    }

    /** Whether the OIDC claims request names acr (parsed as Keycloak parses it; unreadable counts as yes). */
    private static boolean asksForAcr(String claims) {
        if (claims == null || claims.isBlank()) {
            return false;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode request = org.keycloak.util.JsonSerialization.readValue(
                    claims, com.fasterxml.jackson.databind.JsonNode.class);
            return request.path("id_token").has("acr")
                    || request.path("userinfo").has("acr");
        } catch (java.io.IOException | RuntimeException unreadable) {
            return true;
        }
    }

    private static boolean codeOlderThanMaxAge(AuthenticationSessionModel authSession, TrustedBrowsers.Trust trust) {
        String maxAge = authSession.getClientNote("max_age");
        if (maxAge == null || maxAge.isBlank()) {
            return false;
        }
        try {
            // max_age=0 asks for a login now, whatever the second the browser was trusted in.
            return trust.createdAt() / 1000 + Long.parseLong(maxAge.strip()) <= Time.currentTime();
        } catch (NumberFormatException unreadable) {
            return true;
        }
    }
}
