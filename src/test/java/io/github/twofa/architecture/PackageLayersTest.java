package io.github.twofa.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.keycloak.models.utils.Base32;
import org.keycloak.models.utils.HmacOTP;

/**
 * The layers of the extension, checked on the compiled classes: domain packages at the bottom know nothing of
 * Keycloak; credential storage, settings and audit above them; one life-cycle service in the middle; Keycloak glue
 * (login steps, required actions, REST, event listeners) on top. No package depends on one that depends on it.
 */
class PackageLayersTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.twofa");

    private static final String[] DOMAIN = {
        "io.github.twofa.totp",
        "io.github.twofa.backupcodes",
        "io.github.twofa.crypto",
        "io.github.twofa.attemptlimit",
        "io.github.twofa.importing",
        "io.github.twofa.trust",
        "io.github.twofa.metrics"
    };
    private static final String[] GLUE = {
        "io.github.twofa.authenticator..",
        "io.github.twofa.requiredaction..",
        "io.github.twofa.rest..",
        "io.github.twofa.events.."
    };

    @Test
    void noPackageCycles() {
        slices().matching("io.github.twofa.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    /**
     * Two of Keycloak's plain utility classes are allowed: its RFC 4226 implementation, which its own OTP form uses (the
     * same code on both sides of a migration from it), and its Base32 codec. Neither touches a server SPI or state.
     */
    @Test
    void domainPackagesAreFreeOfKeycloakAndOfTheRestOfTheExtension() {
        noClasses()
                .that()
                .resideInAnyPackage(DOMAIN)
                .should()
                .dependOnClassesThat(resideInAnyPackage("org.keycloak..", "jakarta..", "org.jboss..")
                        .and(not(belongToAnyOf(HmacOTP.class, Base32.class))))
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.github.twofa.attemptlimit.provider..",
                        "io.github.twofa.credential..",
                        "io.github.twofa.security..",
                        "io.github.twofa.settings..",
                        "io.github.twofa.audit..",
                        "io.github.twofa.lifecycle..")
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(GLUE)
                .check(CLASSES);
    }

    @Test
    void onlyTheGlueDependsOnTheLifeCycleService() {
        noClasses()
                .that()
                .resideOutsideOfPackages(GLUE)
                .and()
                .resideOutsideOfPackage("io.github.twofa.lifecycle..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.github.twofa.lifecycle..")
                .check(CLASSES);
    }

    @Test
    void nothingBelowTheGlueDependsOnIt() {
        noClasses()
                .that()
                .resideOutsideOfPackages(GLUE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(GLUE)
                .check(CLASSES);
    }
}
