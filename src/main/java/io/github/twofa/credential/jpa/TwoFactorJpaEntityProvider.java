package io.github.twofa.credential.jpa;

import java.util.List;

import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/** Our tables in Keycloak's database: Keycloak creates and migrates them with its own, from our Liquibase change log. */
public class TwoFactorJpaEntityProvider implements JpaEntityProvider {

    @Override
    public List<Class<?>> getEntities() {
        return List.of(UsedBackupCodeEntity.class, TotpStepEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/twofa-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return TwoFactorJpaEntityProviderFactory.PROVIDER_ID;
    }

    @Override
    public void close() {}
}
