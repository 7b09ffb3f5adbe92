<#ftl output_format="plainText">
${msg("twofaResetBody", event.date, event.ipAddress)}
