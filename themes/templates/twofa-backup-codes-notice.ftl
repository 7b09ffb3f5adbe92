<#import "template.ftl" as layout>
<#import "twofa-macros.ftl" as twofa>
<@layout.registrationLayout; section>
<!-- template: twofa-backup-codes-notice.ftl -->
    <#if section = "header">
        <#if twofaReplacing>${msg("twofaBackupCodesReplaceTitle")}<#else>${msg("twofaBackupCodesNoticeTitle")}</#if>
    <#elseif section = "form">
        <form id="twofa-backup-codes-notice-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <p id="twofa-backup-codes-remaining" role="status" data-remaining="${twofaRemaining?c}">${msg("twofaBackupCodesRemaining", twofaRemaining)}</p>
            <#if twofaReplacing>
                <p id="twofa-backup-codes-replace">${msg("twofaBackupCodesReplaceIntro")}</p>
                <@twofa.actions>
                    <@twofa.primaryButton id="twofa-generate" label="twofaBackupCodesGenerate" name="action" value="generate"/>
                    <#if isAppInitiatedAction??>
                        <@twofa.secondaryButton id="twofa-backup-codes-cancel" label="doCancel" name="cancel-aia" value="true"/>
                    <#else>
                        <@twofa.secondaryButton id="twofa-continue" label="twofaBackupCodesKeep" name="action" value="continue"/>
                    </#if>
                </@twofa.actions>
            <#elseif twofaKeycloakCodes || twofaLow>
                <#if twofaKeycloakCodes>
                    <p id="twofa-backup-codes-keycloak">${msg("twofaBackupCodesKeycloakAdvice")}</p>
                <#else>
                    <p id="twofa-backup-codes-low">${msg("twofaBackupCodesLowAdvice")}</p>
                </#if>
                <@twofa.actions>
                    <@twofa.primaryButton id="twofa-generate" label="twofaBackupCodesGenerate" name="action" value="generate"/>
                    <@twofa.secondaryButton id="twofa-continue" label="twofaBackupCodesNotNow" name="action" value="continue"/>
                </@twofa.actions>
            <#else>
                <@twofa.actions>
                    <@twofa.primaryButton id="twofa-continue" label="doContinue" name="action" value="continue"/>
                    <@twofa.secondaryButton id="twofa-generate" label="twofaBackupCodesGenerate" name="action" value="generate"/>
                </@twofa.actions>
            </#if>
        </form>
    </#if>
</@layout.registrationLayout>
