<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("twofaDisabledBodyHtml", event.date, event.ipAddress))?no_esc}
</@layout.emailLayout>
