package io.github.twofa.credential;

import java.util.List;

import io.github.twofa.security.KeyRing;
import io.github.twofa.security.SecretProtector;
import org.keycloak.Config;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Reads the server-level encryption keys once at start-up:
 * {@code --spi-credential--twofa-totp--encryption-keys=id:base64Key[,oldId:base64Key...]}.
 */
public class TotpCredentialProviderFactory implements CredentialProviderFactory<TotpCredentialProvider> {

    public static final String PROVIDER_ID = TotpCredentialModel.TYPE;
    public static final String ENCRYPTION_KEYS = "encryption-keys";

    private SecretProtector protector;

    @Override
    public void init(Config.Scope config) {
        protector = new SecretProtector(KeyRing.parse(config.get(ENCRYPTION_KEYS)));
    }

    /** The server's sealing of TOTP secrets, also used for setups pending over REST. */
    public SecretProtector protector() {
        return protector;
    }

    @Override
    public TotpCredentialProvider create(KeycloakSession session) {
        return new TotpCredentialProvider(session, protector);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(ENCRYPTION_KEYS).type("string")
                .helpText("AES keys that encrypt TOTP secrets, as id:base64Key pairs separated by commas; the first "
                        + "one encrypts, all decrypt. Without it the realm's AES key is used.")
                .add().build();
    }
}
