<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("twofaBackupCodesRegeneratedBodyHtml", event.date, event.ipAddress))?no_esc}
</@layout.emailLayout>
