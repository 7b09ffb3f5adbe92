<#import "template.ftl" as layout>
<#import "twofa-macros.ftl" as twofa>
<@layout.registrationLayout; section>
<!-- template: twofa-trusted-browsers.ftl -->
    <#if section = "header">
        ${msg("twofaTrustedBrowsersTitle")}
    <#elseif section = "form">
        <form id="twofa-trusted-browsers-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <p id="twofa-trusted-browsers-intro">${msg("twofaTrustedBrowsersIntro")}</p>
            <#if twofaTrustedBrowsers?has_content>
                <ul id="twofa-trusted-browsers-list">
                    <#list twofaTrustedBrowsers as browser>
                        <li>${msg("twofaTrustedBrowserRow", browser.browser, browser.created, browser.lastUsed, browser.expires)}</li>
                    </#list>
                </ul>
                <@twofa.actions>
                    <@twofa.primaryButton id="twofa-forget-all" label="twofaTrustedBrowsersForgetAll" name="forgetAll" value="true"/>
                    <@twofa.secondaryButton id="twofa-trusted-browsers-cancel" label="doCancel" name="cancel-aia" value="true"/>
                </@twofa.actions>
            <#else>
                <p id="twofa-trusted-browsers-none" role="status">${msg("twofaTrustedBrowsersNone")}</p>
                <@twofa.actions>
                    <@twofa.secondaryButton id="twofa-trusted-browsers-cancel" label="doCancel" name="cancel-aia" value="true"/>
                </@twofa.actions>
            </#if>
        </form>
    </#if>
</@layout.registrationLayout>
