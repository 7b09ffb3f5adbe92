<#import "template.ftl" as layout>
<#import "twofa-macros.ftl" as twofa>
<@layout.registrationLayout displayRequiredFields=false displayMessage=!messagesPerField.existsError('code'); section>
<!-- template: twofa-setup-totp.ftl -->
    <#if section = "header">
        <#if twofaAnotherApp!false>${msg("twofaAddAppTitle")}<#else>${msg("twofaSetupTitle")}</#if>
    <#elseif section = "form" && (twofaMode!"setup") = "limit">
        <p id="twofa-app-limit" role="alert">${msg("twofaAppLimitReached", twofaMaxApps)}</p>
        <form id="twofa-setup-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@twofa.actions>
                <#if isAppInitiatedAction??>
                    <@twofa.secondaryButton id="twofa-setup-cancel" label="doCancel" name="cancel-aia" value="true"/>
                </#if>
            </@twofa.actions>
        </form>
    <#elseif section = "form" && (twofaMode!"setup") = "confirm">
        <p id="twofa-confirm-intro">${msg("twofaAddAppConfirmIntro")}</p>
        <form id="twofa-confirm-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@twofa.codeField name="confirmCode" label=msg("twofaConfirmCodeLabel") inputmode="text"/>
            <@twofa.actions>
                <@twofa.primaryButton id="twofa-confirm-submit" label="doContinue"/>
                <#if isAppInitiatedAction??>
                    <@twofa.secondaryButton id="twofa-setup-cancel" label="doCancel" name="cancel-aia" value="true"/>
                </#if>
            </@twofa.actions>
        </form>
    <#elseif section = "form">
        <ol id="twofa-setup-steps" class="pf-v5-c-list pf-v5-u-mb-md">
            <li>
                <p>${msg("twofaSetupStepInstall")}</p>
            </li>
            <li>
                <p>${msg("twofaSetupStepScan")}</p>
                <img id="twofa-qr-code" src="${twofaQrCode}" width="240" height="240"
                     alt="${msg("twofaQrCodeAlt", twofaIssuer, twofaAccount)}"/>
                <p>${msg("twofaSetupManualKeyIntro")}</p>
                <p><code id="twofa-manual-key" class="pf-v5-u-font-size-lg" style="user-select: all;">${twofaManualKey}</code></p>
                <#if !twofaDefaultParameters>
                    <ul id="twofa-parameters">
                        <li>${msg("twofaAlgorithm")}: ${twofaParameters.otpauthAlgorithm()}</li>
                        <li>${msg("twofaDigits")}: ${twofaParameters.digits()}</li>
                        <li>${msg("twofaPeriod")}: ${twofaParameters.period()}</li>
                    </ul>
                </#if>
            </li>
            <li>
                <p>${msg("twofaSetupStepCode")}</p>
            </li>
        </ol>

        <form id="twofa-setup-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="name" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("twofaAppNameLabel")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!} <#if messagesPerField.existsError('name')>${properties.kcError!}</#if>">
                    <input id="name" name="name" type="text" maxlength="64" autocomplete="off"
                           value="${twofaAppName!msg("twofaAppNameDefault")}"
                           aria-describedby="input-error-name" aria-invalid="<#if messagesPerField.existsError('name')>true<#else>false</#if>"/>
                </span>
                <div id="input-error-container-name" aria-live="polite">
                    <#if messagesPerField.existsError('name')>
                        <span id="input-error-name" class="${properties.kcInputErrorMessageClass!}">${kcSanitize(messagesPerField.get('name'))?no_esc}</span>
                    </#if>
                </div>
            </div>
            <@twofa.codeField name="code" label=msg("twofaCodeLabel")/>
            <@twofa.actions>
                <@twofa.primaryButton id="twofa-setup-submit" label=(twofaAnotherApp!false)?then("twofaAddAppSubmit", "twofaSetupSubmit")/>
                <#if (twofaGraceDaysLeft!0) gt 0>
                    <button id="twofa-setup-later" type="submit" name="later" value="true" formnovalidate
                            class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg("twofaSetUpLater", twofaGraceDaysLeft)}</button>
                </#if>
                <#if isAppInitiatedAction??>
                    <@twofa.secondaryButton id="twofa-setup-cancel" label="doCancel" name="cancel-aia" value="true"/>
                </#if>
            </@twofa.actions>
        </form>
    </#if>
</@layout.registrationLayout>
