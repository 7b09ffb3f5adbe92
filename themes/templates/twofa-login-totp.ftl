<#import "template.ftl" as layout>
<#import "twofa-macros.ftl" as twofa>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('code'); section>
<!-- template: twofa-login-totp.ftl -->
    <#if section = "header">
        ${msg("twofaLoginTitle")}
    <#elseif section = "form">
        <form id="twofa-login-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <p id="twofa-login-instruction">${msg("twofaLoginInstruction")}<#if twofaHasBackupCodes> ${msg("twofaLoginBackupCodeHint")}</#if></p>
            <@twofa.codeField name="code" label=msg("twofaCodeLabel")/>
            <#if (twofaTrustDays!0) gt 0>
                <div class="${properties.kcFormGroupClass!}">
                    <label for="trustBrowser" class="${properties.kcCheckboxClass!'pf-v5-c-check'}">
                        <input id="trustBrowser" name="trustBrowser" type="checkbox" class="${properties.kcCheckboxInputClass!'pf-v5-c-check__input'}"/>
                        <span class="${properties.kcCheckboxLabelClass!'pf-v5-c-check__label'}">${msg("twofaTrustBrowser", twofaTrustDays)}</span>
                    </label>
                </div>
            </#if>
            <@twofa.actions>
                <@twofa.primaryButton id="twofa-login-submit" label="doLogIn" name="login" value="login"/>
            </@twofa.actions>
        </form>
        <#if twofaHasBackupCodes>
            <form id="twofa-use-backup-code-form" action="${url.loginAction}" method="post">
                <@twofa.actions>
                    <@twofa.secondaryButton id="twofa-use-backup-code" label="twofaUseBackupCode" name="use-backup-code" value="true"/>
                </@twofa.actions>
            </form>
        </#if>
    </#if>
</@layout.registrationLayout>
