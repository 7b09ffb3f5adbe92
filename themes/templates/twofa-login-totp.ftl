<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('code'); section>
<!-- template: twofa-login-totp.ftl -->
    <#if section = "header">
        ${msg("twofaLoginTitle")}
    <#elseif section = "form">
        <form id="twofa-login-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post"
              onsubmit="document.getElementById('twofa-login-submit').disabled = true; return true;">
            <p id="twofa-login-instruction">${msg("twofaLoginInstruction")}</p>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="code" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("twofaCodeLabel")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!} <#if messagesPerField.existsError('code')>${properties.kcError!}</#if>">
                    <input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"
                           autofocus required aria-describedby="input-error-code"
                           aria-invalid="<#if messagesPerField.existsError('code')>true</#if>"/>
                </span>
                <div id="input-error-container-code" aria-live="polite">
                    <#if messagesPerField.existsError('code')>
                        <div class="${properties.kcFormHelperTextClass!}">
                            <span id="input-error-code" class="${properties.kcInputErrorMessageClass!}">${kcSanitize(messagesPerField.get('code'))?no_esc}</span>
                        </div>
                    </#if>
                </div>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button id="twofa-login-submit" type="submit" name="login"
                            class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("doLogIn")}</button>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
