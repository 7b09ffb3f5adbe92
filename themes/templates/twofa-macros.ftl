<#-- Shared pieces of the 2FA pages, in the markup of Keycloak's login theme. -->
<#macro codeField name label autocomplete="one-time-code" inputmode="numeric" autofocus=true>
    <#assign hasError = messagesPerField.existsError(name)>
    <div class="${properties.kcFormGroupClass!}">
        <div class="${properties.kcFormGroupLabelClass!}">
            <label for="${name}" class="${properties.kcFormLabelClass!}">
                <span class="${properties.kcFormLabelTextClass!}">${label}</span>
            </label>
        </div>
        <span class="${properties.kcInputClass!} <#if hasError>${properties.kcError!}</#if>">
            <input id="${name}" name="${name}" type="text" autocomplete="${autocomplete}" inputmode="${inputmode}"
                   spellcheck="false" autocapitalize="none" <#if autofocus>autofocus</#if> required
                   aria-describedby="input-error-${name}" aria-invalid="<#if hasError>true<#else>false</#if>"/>
        </span>
        <div id="input-error-container-${name}" aria-live="polite">
            <#if hasError>
                <div class="${properties.kcFormHelperTextClass!}">
                    <span id="input-error-${name}" class="${properties.kcInputErrorMessageClass!}">${kcSanitize(messagesPerField.get(name))?no_esc}</span>
                </div>
            </#if>
        </div>
    </div>
</#macro>

<#macro primaryButton id label name="" value="">
    <button id="${id}" type="submit" <#if name?has_content>name="${name}" value="${value}"</#if>
            class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg(label)}</button>
</#macro>

<#macro secondaryButton id label name="" value="" formnovalidate=true>
    <button id="${id}" type="submit" <#if name?has_content>name="${name}" value="${value}"</#if> <#if formnovalidate>formnovalidate</#if>
            class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg(label)}</button>
</#macro>

<#macro actions>
    <div class="${properties.kcFormGroupClass!}">
        <div class="${properties.kcFormActionGroupClass!}">
            <#nested>
        </div>
    </div>
</#macro>
