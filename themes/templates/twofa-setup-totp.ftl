<#import "template.ftl" as layout>
<#import "twofa-macros.ftl" as twofa>
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
            <@twofa.codeField name="code" label=msg("twofaCodeLabel")/>
            <@twofa.actions>
                <@twofa.primaryButton id="twofa-setup-submit" label="twofaSetupSubmit"/>
                <#if isAppInitiatedAction??>
                    <@twofa.secondaryButton id="twofa-setup-cancel" label="doCancel" name="cancel-aia" value="true"/>
                </#if>
            </@twofa.actions>
        </form>
    </#if>
</@layout.registrationLayout>
