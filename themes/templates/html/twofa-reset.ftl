<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("twofaResetBodyHtml", event.date, event.ipAddress))?no_esc}
</@layout.emailLayout>
