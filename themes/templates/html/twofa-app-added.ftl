<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("twofaAppAddedBodyHtml", event.date, event.ipAddress))?no_esc}
</@layout.emailLayout>
