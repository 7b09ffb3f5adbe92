<#ftl output_format="plainText">
${msg("twofaAppAddedBody", event.date, event.ipAddress)}
