package io.github.twofa.requiredaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.twofa.audit.AuditEvents;
import io.github.twofa.authenticator.BrowserTrust;
import io.github.twofa.authenticator.ExecutionConfigLookup;
import io.github.twofa.authenticator.PasskeyLogin;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.KeycloakRecoveryCodes;
import io.github.twofa.credential.RecentSecondFactor;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.TotpCredentialProviderFactory;
import io.github.twofa.credential.UserSecondFactors;
import io.github.twofa.lifecycle.EnrolmentGrace;
import io.github.twofa.lifecycle.SecondFactor;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.security.SealedNotes;
import io.github.twofa.settings.ProviderIds;
import io.github.twofa.settings.RealmSettings;
import io.github.twofa.totp.AppName;
import io.github.twofa.totp.QrCodeImage;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import io.github.twofa.totp.TotpVerifier;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.CredentialRegistrator;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.userprofile.ValidationException;
import org.keycloak.validate.ValidationError;

/**
 * Enrolment: shows a QR code and the key, and enables 2FA only once the user typed a correct code.
 * The pending secret lives in the authentication session on the server, never in the page.
 */
public class TotpSetupRequiredAction implements RequiredActionProvider, RequiredActionFactory, CredentialRegistrator {

    public static final String PROVIDER_ID = ProviderIds.TOTP_SETUP;
    static final String TEMPLATE = "twofa-setup-totp.ftl";
    static final String CODE_FIELD = "code";
    static final String NAME_FIELD = "name";
    static final String CONFIRM_FIELD = "confirmCode";
    static final String LATER_FIELD = "later";
    /** Authentication-session note: when the user confirmed with a code on this action's page (epoch seconds). */
    private static final String CONFIRMED_NOTE = "twofa.add-app.confirmed-at";

    private static final String PENDING_SECRET_NOTE = "twofa.pending-secret";

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    /**
     * Runs at the end of every login, before Keycloak sends its LOGIN event: a login a trusted browser or a passkey
     * spared the code, or that went on without 2FA, says so in that event.
     */
    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        String trusted = context.getAuthenticationSession().getAuthNote(BrowserTrust.USED_NOTE);
        if (trusted != null) {
            AuditEvents.trustedBrowserUsed(context.getEvent(), trusted);
        } else if (context.getAuthenticationSession().getAuthNote(PasskeyLogin.USED_NOTE) != null) {
            AuditEvents.passkeyUsed(context.getEvent());
        } else if (context.getAuthenticationSession().getAuthNote(ProviderIds.SECOND_FACTOR_NOTE) != null) {
            AuditEvents.secondFactorUsed(
                    context.getEvent(),
                    context.getAuthenticationSession().getAuthNote(ProviderIds.SECOND_FACTOR_NOTE),
                    context.getAuthenticationSession().getAuthNote(ProviderIds.SECOND_FACTOR_CREDENTIAL_NOTE));
        } else if (context.getAuthenticationSession().getAuthNote(ProviderIds.NO_SECOND_FACTOR_NOTE) != null) {
            AuditEvents.noSecondFactor(context.getEvent());
        }
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        Optional<Integer> drift = clockDrift(context);
        if (drift.isPresent()) {
            // Not a set-up: the login's notice that the app's clock seems off (see the login step).
            context.challenge(context.form()
                    .setAttribute("twofaDriftSeconds", Math.abs(drift.get()))
                    .setAttribute("twofaDriftBehind", drift.get() < 0)
                    .createForm(CLOCK_DRIFT_TEMPLATE));
            return;
        }
        context.challenge(nextForm(context, null, null));
    }

    static final String CLOCK_DRIFT_TEMPLATE = "twofa-clock-drift.ftl";

    private static Optional<Integer> clockDrift(RequiredActionContext context) {
        String note = context.getAuthenticationSession().getAuthNote(ProviderIds.CLOCK_DRIFT_NOTE);
        try {
            return note == null ? Optional.empty() : Optional.of(Integer.parseInt(note));
        } catch (NumberFormatException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * The page a user sees: the QR code; or, for a user who already has 2FA and wants another app, first a code from
     * an app they have (unless this login took one within the action's maximum age), or word that they have as many
     * apps as the realm allows.
     */
    private Response nextForm(RequiredActionContext context, String field, String errorKey) {
        if (hasTwoFactor(context)) {
            if (!TwoFactorService.of(context.getSession()).canAddApp(context.getRealm(), context.getUser())) {
                return context.form()
                        .setAttribute("twofaMode", "limit")
                        .setAttribute("twofaAnotherApp", true)
                        .setAttribute("twofaMaxApps", RealmSettings.maxApps(context.getRealm()))
                        .createForm(TEMPLATE);
            }
            if (!secondFactorIsRecent(context)) {
                var form = context.form().setAttribute("twofaMode", "confirm").setAttribute("twofaAnotherApp", true);
                if (errorKey != null) {
                    form.addError(new FormMessage(field, errorKey)).setStatus(Response.Status.BAD_REQUEST);
                }
                return form.createForm(TEMPLATE);
            }
        }
        return setupForm(context, pendingSecret(context), field, errorKey, null);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (clockDrift(context).isPresent()) {
            // The user read the notice; it comes again at a login whose code still matches a neighbouring step.
            context.getAuthenticationSession().removeAuthNote(ProviderIds.CLOCK_DRIFT_NOTE);
            context.success();
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        if (form.containsKey(CONFIRM_FIELD)) {
            confirmSecondFactor(context, form.getFirst(CONFIRM_FIELD));
            return;
        }
        if (form.containsKey(LATER_FIELD) && graceDaysLeft(context) > 0) {
            // "Set up later" in the grace period: this login goes on without 2FA, and claims no code.
            notes(context).remove(PENDING_SECRET_NOTE);
            context.getAuthenticationSession().setAuthNote(ProviderIds.NO_SECOND_FACTOR_NOTE, "true");
            AuditEvents.noSecondFactor(context.getEvent());
            context.success();
            return;
        }
        if (hasTwoFactor(context)
                && (!secondFactorIsRecent(context)
                        || !TwoFactorService.of(context.getSession())
                                .canAddApp(context.getRealm(), context.getUser()))) {
            // A password alone never adds an app: the code of an app the user has comes first.
            context.challenge(nextForm(context, null, null));
            return;
        }
        TotpSecret secret = pendingSecret(context);
        String typedName = form.getFirst(NAME_FIELD);
        Optional<String> name = AppName.normalise(typedName, TotpCredentialProvider.DEFAULT_LABEL);
        if (name.isEmpty()) {
            context.challenge(setupForm(context, secret, NAME_FIELD, "twofaAppNameInvalid", typedName));
            return;
        }
        String code = TotpVerifier.normalise(form.getFirst(CODE_FIELD));
        EventBuilder event = context.getEvent().clone().user(context.getUser());
        if (code.isEmpty()) {
            context.challenge(setupForm(context, secret, CODE_FIELD, "twofaMissingCode", name.get()));
            return;
        }
        if (!new TotpVerifier(RealmSettings.totpParameters(context.getRealm())).isWellFormed(code)) {
            context.challenge(setupForm(context, secret, CODE_FIELD, "twofaMalformedCode", name.get()));
            return;
        }
        boolean firstApp = !hasTwoFactor(context);
        SecondFactor.Check enrolled;
        try {
            enrolled = TwoFactorService.of(context.getSession())
                    .enrol(context.getRealm(), context.getUser(), secret, code, name.get(), event.clone());
        } catch (TwoFactorService.AppLimitReached limit) {
            context.challenge(nextForm(context, null, null));
            return;
        }
        if (!enrolled.accepted()) {
            AuditEvents.enrolmentCodeRefused(event);
            context.challenge(setupForm(context, secret, CODE_FIELD, "twofaInvalidSetupCode", name.get()));
            return;
        }
        notes(context).remove(PENDING_SECRET_NOTE);
        countStepAsDone(context.getRealm(), context.getAuthenticationSession());
        // The login's LOGIN event says an app code was typed: the one that set the app up.
        context.getAuthenticationSession().removeAuthNote(ProviderIds.NO_SECOND_FACTOR_NOTE);
        context.getAuthenticationSession().setAuthNote(ProviderIds.SECOND_FACTOR_NOTE, AuditEvents.FACTOR_APP_CODE);
        context.getAuthenticationSession()
                .setAuthNote(ProviderIds.SECOND_FACTOR_CREDENTIAL_NOTE, enrolled.credentialId());
        if (firstApp || !hasBackupCodes(context)) {
            // The first set of backup codes is shown right after, before the login completes.
            TwoFactorService.of(context.getSession())
                    .requireAction(
                            context.getUser(),
                            context.getAuthenticationSession(),
                            BackupCodesRequiredAction.PROVIDER_ID);
        }
        context.success();
    }

    /** A code from an app the user has (or a backup code), under the login's attempt limit, before another app. */
    private void confirmSecondFactor(RequiredActionContext context, String input) {
        if (input == null || input.isBlank()) {
            context.challenge(nextForm(context, CONFIRM_FIELD, "twofaMissingCode"));
            return;
        }
        TwoFactorService service = TwoFactorService.of(context.getSession());
        Optional<SecondFactor.Limited> outcome = service.checkUnderLimit(
                service.loginLimiter(),
                context.getRealm(),
                context.getUser(),
                SecondFactor.attemptedFactor(input),
                attempt -> SecondFactor.check(context.getSession(), context.getUser(), input, attempt),
                () -> context.getEvent().clone().user(context.getUser()));
        if (outcome.isEmpty() || outcome.get().lockout().isPresent()) {
            context.challenge(nextForm(context, CONFIRM_FIELD, "twofaTooManyAttemptsShort"));
            return;
        }
        SecondFactor.Check check = outcome.get().check();
        if (!check.accepted()) {
            if (!check.malformed() && !check.busy()) {
                check.describe(context.getEvent()
                                .clone()
                                .user(context.getUser())
                                .event(EventType.UPDATE_CREDENTIAL))
                        .error(Errors.INVALID_USER_CREDENTIALS);
            }
            context.challenge(nextForm(
                    context, CONFIRM_FIELD, check.malformed() ? "twofaMalformedLoginCode" : "twofaInvalidCode"));
            return;
        }
        check.sendBackupCodeUse(context.getEvent().clone().user(context.getUser()));
        context.getAuthenticationSession().setAuthNote(CONFIRMED_NOTE, String.valueOf(Time.currentTime()));
        context.challenge(setupForm(context, pendingSecret(context), null, null, null));
    }

    /** Days left of the user's grace period on this login (0: none, or over, or 2FA is on already). */
    private static int graceDaysLeft(RequiredActionContext context) {
        String ends = context.getAuthenticationSession().getAuthNote(EnrolmentGrace.NOTE);
        if (ends == null || hasTwoFactor(context)) {
            return 0;
        }
        // The admin may have ended it since the login began: the stored end counts, not the note's.
        return EnrolmentGrace.endsAt(context.getUser())
                .map(EnrolmentGrace::daysLeft)
                .orElse(0);
    }

    /** Whether the user has 2FA already (an app of ours, or Keycloak's built-in OTP): then this adds another app. */
    private static boolean hasTwoFactor(RequiredActionContext context) {
        return UserSecondFactors.hasAny(context.getUser());
    }

    private static boolean hasBackupCodes(RequiredActionContext context) {
        BackupCodesCredentialProvider provider = BackupCodesCredentialProvider.of(context.getSession());
        return provider.current(context.getUser()).map(provider::remaining).orElse(0) > 0
                || KeycloakRecoveryCodes.of(context.getUser())
                                .map(KeycloakRecoveryCodes::remaining)
                                .orElse(0)
                        > 0;
    }

    /**
     * Whether this login took a code of the user's within the action's maximum age: at a login step of ours (this
     * login or the session it continues), or on this action's own confirmation page.
     */
    private static boolean secondFactorIsRecent(RequiredActionContext context) {
        RealmModel realm = context.getRealm();
        int maxAge = RecentSecondFactor.maxAgeOf(realm, PROVIDER_ID);
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String confirmed = authSession.getAuthNote(CONFIRMED_NOTE);
        if (confirmed != null && Long.parseLong(confirmed) + maxAge >= Time.currentTime()) {
            return true;
        }
        UserSessionModel userSession = context.getSession()
                .sessions()
                .getUserSession(realm, authSession.getParentSession().getId());
        return RecentSecondFactor.within(realm, authSession, userSession, maxAge);
    }

    /**
     * A code was checked in this login after all, so the login step that sent the user here (marked "set-up
     * required") counts as done: the tokens' {@code amr} then holds the step's reference value ({@code otp}), as after
     * any login with a code. Without enrolment the step stays "set-up required" and counts for nothing.
     */
    private static void countStepAsDone(RealmModel realm, AuthenticationSessionModel authSession) {
        ExecutionConfigLookup.stepsNeedingSetUp(
                        realm, authSession, Set.of(ProviderIds.BROWSER_STEP, ProviderIds.DIRECT_GRANT_STEP))
                .forEach(execution ->
                        AuthenticatorUtils.updateCompletedExecutions(authSession, null, execution.getId()));
    }

    /** The same secret across reloads and wrong codes, so the QR the user already scanned stays valid. */
    private static TotpSecret pendingSecret(RequiredActionContext context) {
        SealedNotes notes = notes(context);
        Optional<byte[]> stored = notes.get(PENDING_SECRET_NOTE);
        if (stored.isPresent()) {
            return TotpSecret.fromBytes(stored.get());
        }
        TotpSecret secret = TotpSecret.generate();
        notes.put(PENDING_SECRET_NOTE, secret.bytes());
        return secret;
    }

    private static SealedNotes notes(RequiredActionContext context) {
        return new SealedNotes(
                context.getSession(),
                TotpCredentialProviderFactory.protector(context.getSession()),
                context.getAuthenticationSession(),
                context.getUser());
    }

    private Response setupForm(
            RequiredActionContext context, TotpSecret secret, String field, String errorKey, String appName) {
        RealmModel realm = context.getRealm();
        TotpParameters parameters = RealmSettings.totpParameters(realm);
        var form = context.form()
                .setAttribute(
                        "twofaQrCode",
                        QrCodeImage.pngDataUri(RealmSettings.otpauthUri(realm, context.getUser(), secret)))
                .setAttribute("twofaManualKey", secret.base32Grouped())
                .setAttribute("twofaAccount", context.getUser().getUsername())
                .setAttribute("twofaIssuer", RealmSettings.issuer(realm))
                .setAttribute("twofaParameters", parameters)
                .setAttribute("twofaDefaultParameters", parameters.isDefault())
                .setAttribute("twofaAnotherApp", hasTwoFactor(context))
                .setAttribute("twofaGraceDaysLeft", graceDaysLeft(context));
        if (appName != null) {
            form.setAttribute("twofaAppName", appName);
        }
        if (errorKey != null) {
            form.addError(new FormMessage(field, errorKey)).setStatus(Response.Status.BAD_REQUEST);
        }
        return form.createForm(TEMPLATE);
    }

    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
        return TotpCredentialModel.TYPE;
    }

    @Override
    public String getDisplayText() {
        return "Set up two-factor authentication (authenticator app)";
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        List<ProviderConfigProperty> properties = new ArrayList<>(MAX_AUTH_AGE_CONFIG_PROPERTIES);
        properties.addAll(ProviderConfigurationBuilder.create()
                .property()
                .name(RealmSettings.MAX_APPS)
                .label("Apps per user")
                .helpText("How many authenticator apps (phone, tablet, ...) a user may set up (1 to "
                        + RealmSettings.MAX_APPS_LIMIT + ").")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(RealmSettings.DEFAULT_MAX_APPS)
                .add()
                .build());
        return properties;
    }

    /** Refuses a number of apps out of range in the admin console (400 with the reason). */
    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, RequiredActionConfigModel model) {
        RequiredActionFactory.super.validateConfig(session, realm, model);
        RealmSettings.maxAppsProblem(model.getConfigValue(RealmSettings.MAX_APPS))
                .ifPresent(problem -> {
                    throw new ValidationException(new ValidationError(getId(), "config", problem));
                });
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
