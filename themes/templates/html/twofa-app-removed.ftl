<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("twofaAppRemovedBodyHtml", event.date, event.ipAddress))?no_esc}
</@layout.emailLayout>
