package io.github.twofa.authenticator;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TrustedBrowsers;
import io.github.twofa.settings.ProviderIds;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

public class TotpAuthenticatorFactory implements AuthenticatorFactory {

    /** The options both steps offer for users without 2FA. */
    static final List<ProviderConfigProperty> ENROLMENT_CONFIG = enrolmentConfig();

    public static final String PROVIDER_ID = ProviderIds.BROWSER_STEP;

    private static final TotpAuthenticator SINGLETON = new TotpAuthenticator();

    private static List<ProviderConfigProperty> enrolmentConfig() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name(EnrolmentPolicy.CONFIG_POLICY)
                .label("Users without 2FA")
                .helpText("require: they must set up 2FA before the login completes. skip: they log in with the "
                        + "password alone. require-for-role: only users with the role below must set it up. "
                        + "require-after-grace: they must, after a grace period in which they may set it up later.")
                .type(ProviderConfigProperty.LIST_TYPE)
                .options(Arrays.stream(EnrolmentPolicy.values())
                        .map(EnrolmentPolicy::configValue)
                        .toList())
                .defaultValue(EnrolmentPolicy.REQUIRE.configValue())
                .add()
                .property()
                .name(EnrolmentPolicy.CONFIG_GRACE_DAYS)
                .label("Grace period (days)")
                .helpText("With require-after-grace (default 14), or require-for-role when set: users without 2FA may "
                        + "choose \"Set up later\" for this many days from the first time they are asked (1 to 365).")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .add()
                .property()
                .name(EnrolmentPolicy.CONFIG_ROLE)
                .label("Role that requires 2FA")
                .helpText("With require-for-role: users holding this role (directly, through a group or a composite) "
                        + "must set up 2FA.")
                .type(ProviderConfigProperty.ROLE_TYPE)
                .add()
                .build();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "2FA - authenticator app code";
    }

    @Override
    public String getHelpText() {
        return "Asks for a time-based one-time code (RFC 6238) after the password; each code works once.";
    }

    @Override
    public String getReferenceCategory() {
        return TotpCredentialModel.TYPE;
    }

    /** Backup codes and trusted browsers belong to this step too, so the account console lists them. */
    @Override
    public Set<String> getOptionalReferenceCategories(KeycloakSession session) {
        return Set.of(BackupCodesCredentialModel.TYPE, TrustedBrowsers.TYPE);
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    private static final List<ProviderConfigProperty> CONFIG = browserConfig();

    private static List<ProviderConfigProperty> browserConfig() {
        List<ProviderConfigProperty> properties = new java.util.ArrayList<>(ENROLMENT_CONFIG);
        properties.addAll(ProviderConfigurationBuilder.create()
                .property()
                .name(BrowserTrust.CONFIG_DAYS)
                .label("Trust a browser for (days)")
                .helpText("0: off. 1 to " + BrowserTrust.MAX_DAYS + ": the code page offers \"Don't ask for a code on "
                        + "this browser for N days\" (unticked). A login it spares claims no code in amr; a client "
                        + "asking for prompt=login, acr_values or a max_age older than the browser's last code still "
                        + "gets the code page.")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(0)
                .add()
                .property()
                .name(PasskeyLogin.CONFIG_SKIPS_CODE)
                .label("A passkey login needs no code")
                .helpText("On: a user who signed in with a passkey in this login (Keycloak's WebAuthn passwordless "
                        + "step, or a passkey on its username form) is not asked for a code, when the realm's "
                        + "WebAuthn Passwordless Policy requires user verification. amr then says what the WebAuthn "
                        + "step reports, never otp. Off: the code is asked after a passkey too.")
                .type(ProviderConfigProperty.BOOLEAN_TYPE)
                .defaultValue(true)
                .add()
                .build());
        return List.copyOf(properties);
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.ALTERNATIVE,
            AuthenticationExecutionModel.Requirement.DISABLED
        };
    }

    @Override
    public boolean isUserSetupAllowed() {
        return true;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {}

    /** Once the database is ready, every realm whose flows let a user with 2FA in without the code is named in the log. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (PROVIDER_ID.equals(getId())) {
            factory.register(event -> {
                if (event instanceof PostMigrationEvent) {
                    KeycloakModelUtils.runJobInTransaction(factory, FlowCoverage::warnAboutGaps);
                }
            });
        }
    }

    @Override
    public void close() {}
}
