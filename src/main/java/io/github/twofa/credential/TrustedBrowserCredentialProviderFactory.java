package io.github.twofa.credential;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

public class TrustedBrowserCredentialProviderFactory
        implements CredentialProviderFactory<TrustedBrowserCredentialProvider> {

    public static final String PROVIDER_ID = TrustedBrowsers.TYPE;

    @Override
    public TrustedBrowserCredentialProvider create(KeycloakSession session) {
        return new TrustedBrowserCredentialProvider(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
