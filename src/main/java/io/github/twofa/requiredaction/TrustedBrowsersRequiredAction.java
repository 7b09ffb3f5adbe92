package io.github.twofa.requiredaction;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import io.github.twofa.credential.TrustedBrowsers;
import io.github.twofa.settings.ProviderIds;
import org.keycloak.Config;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * "Forget all trusted browsers": the page the account console's trusted-browser section opens (its create action),
 * listing the browsers the user trusted and forgetting them all at once, e.g. after losing a laptop. Only ever
 * started by the user ({@code kc_action}); forgetting takes a convenience away, so it needs no code.
 */
public class TrustedBrowsersRequiredAction implements RequiredActionProvider, RequiredActionFactory {

    public static final String PROVIDER_ID = ProviderIds.TRUSTED_BROWSERS;
    static final String TEMPLATE = "twofa-trusted-browsers.ftl";
    static final String FORGET_ALL_FIELD = "forgetAll";

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {}

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        // A row per browser: its summary and its days (UTC), never its token.
        List<Map<String, String>> rows = TrustedBrowsers.list(context.getUser()).stream()
                .map(trust -> Map.of(
                        "browser", trust.browser(),
                        "created", day(trust.createdAt()),
                        "lastUsed", day(trust.lastUsedAt()),
                        "expires", day(trust.expiresAt())))
                .toList();
        context.challenge(
                context.form().setAttribute("twofaTrustedBrowsers", rows).createForm(TEMPLATE));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (context.getHttpRequest().getDecodedFormParameters().containsKey(FORGET_ALL_FIELD)) {
            TrustedBrowsers.revokeAll(context.getUser());
        }
        context.success();
    }

    private static String day(long epochMillis) {
        return DAY.format(Instant.ofEpochMilli(epochMillis));
    }

    @Override
    public String getDisplayText() {
        return "Trusted browsers (two-factor)";
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void close() {}
}
