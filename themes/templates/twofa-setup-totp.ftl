<#import "template.ftl" as layout>
<@layout.registrationLayout displayRequiredFields=false displayMessage=!messagesPerField.existsError('code'); section>
<!-- template: twofa-setup-totp.ftl -->
    <#if section = "header">
        ${msg("twofaSetupTitle")}
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
                    <button id="twofa-setup-submit" type="submit"
                            class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("twofaSetupSubmit")}</button>
                    <#if isAppInitiatedAction??>
                        <button id="twofa-setup-cancel" type="submit" name="cancel-aia" value="true"
                                class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg("doCancel")}</button>
                    </#if>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
