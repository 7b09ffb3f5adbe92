<#ftl output_format="plainText">
${msg("twofaBackupCodesRegeneratedBody", event.date, event.ipAddress)}
