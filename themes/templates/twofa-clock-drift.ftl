<#import "template.ftl" as layout>
<#import "twofa-macros.ftl" as twofa>
<@layout.registrationLayout; section>
<!-- template: twofa-clock-drift.ftl -->
    <#if section = "header">
        ${msg("twofaClockDriftTitle")}
    <#elseif section = "form">
        <form id="twofa-clock-drift-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <p id="twofa-clock-drift" role="status" data-seconds="${twofaDriftSeconds?c}">
                <#if twofaDriftBehind>${msg("twofaClockDriftBehind", twofaDriftSeconds)}<#else>${msg("twofaClockDriftAhead", twofaDriftSeconds)}</#if>
            </p>
            <p id="twofa-clock-drift-fix">${msg("twofaClockDriftFix")}</p>
            <@twofa.actions>
                <@twofa.primaryButton id="twofa-continue" label="doContinue" name="continue" value="true"/>
            </@twofa.actions>
        </form>
    </#if>
</@layout.registrationLayout>
