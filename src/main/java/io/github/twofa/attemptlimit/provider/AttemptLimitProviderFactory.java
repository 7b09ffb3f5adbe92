package io.github.twofa.attemptlimit.provider;

import org.keycloak.provider.ProviderFactory;

public interface AttemptLimitProviderFactory extends ProviderFactory<AttemptLimitProvider> {}
