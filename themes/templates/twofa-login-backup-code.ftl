<#import "template.ftl" as layout>
<#import "twofa-macros.ftl" as twofa>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('backupCode'); section>
<!-- template: twofa-login-backup-code.ftl -->
    <#if section = "header">
        ${msg("twofaBackupCodeLoginTitle")}
    <#elseif section = "form">
        <form id="twofa-backup-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <p id="twofa-backup-code-instruction">${msg("twofaBackupCodeLoginInstruction")}</p>
            <@twofa.codeField name="backupCode" label=msg("twofaBackupCodeLabel") autocomplete="off" inputmode="text"/>
            <@twofa.actions>
                <@twofa.primaryButton id="twofa-backup-code-submit" label="doLogIn" name="login" value="login"/>
            </@twofa.actions>
        </form>
        <form id="twofa-use-app-code-form" action="${url.loginAction}" method="post">
            <@twofa.actions>
                <@twofa.secondaryButton id="twofa-use-app-code" label="twofaUseAppCode" name="use-app-code" value="true"/>
            </@twofa.actions>
        </form>
    </#if>
</@layout.registrationLayout>
