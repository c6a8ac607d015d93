# Reference for analysis.effects IPTW (tests/analysis/effects/test_iptw_r.py).
# Run from the repository root:  Rscript tests/analysis/r/effects_iptw.R
# Propensity: glm(binomial); stabilised weights P(A=a)/P(A=a|L); weighted Cox with robust SE
# clustered on person_id; weighted survfit at days 30, 90, 180; weighted rmean to 300;
# standardised mean differences by the cobalt defaults (weighted means, unweighted pooled SD).
library(survival)
library(jsonlite)
d <- read.csv("tests/analysis/r/effects_iptw_data.csv", stringsAsFactors = FALSE)
d$a <- as.integer(d$moud_group == "methadone")
ps <- glm(a ~ age + factor(insurance) + pmad, family = binomial, data = d)
e <- fitted(ps)
pa <- mean(d$a)
d$w <- ifelse(d$a == 1, pa / e, (1 - pa) / (1 - e))
fit <- coxph(Surv(days, event) ~ a, data = d, weights = w, cluster = person_id)
km <- survfit(Surv(days, event) ~ a, data = d, weights = w)
s <- summary(km, times = c(30, 90, 180))
rm <- summary(km, rmean = 300)$table
smd <- function(x, a, w) {
  v <- function(z) if (all(z %in% c(0, 1))) mean(z) * (1 - mean(z)) else var(z)
  sd <- sqrt((v(x[a == 1]) + v(x[a == 0])) / 2)
  c(unweighted = (mean(x[a == 1]) - mean(x[a == 0])) / sd,
    weighted = (weighted.mean(x[a == 1], w[a == 1]) - weighted.mean(x[a == 0], w[a == 0])) / sd)
}
x <- list(age = d$age, "insurance[private]" = as.numeric(d$insurance == "private"),
          "insurance[uninsured]" = as.numeric(d$insurance == "uninsured"), pmad = d$pmad)
out <- list(
  r_version = R.version.string, survival_version = as.character(packageVersion("survival")),
  propensity_coef = unname(coef(ps)), weights_head = unname(d$w[1:10]),
  weights_sum = sum(d$w),
  cox_coef = unname(coef(fit)), cox_robust_se = unname(sqrt(diag(fit$var))),
  cox_naive_se = unname(sqrt(diag(fit$naive.var))),
  km_strata = as.character(s$strata), km_time = s$time, km_surv = s$surv, km_se = s$std.err,
  rmean = unname(rm[, "rmean"]), rmean_se = unname(rm[, "se(rmean)"]),
  smd = lapply(x, function(v) as.list(smd(v, d$a, d$w)))
)
write_json(out, "tests/analysis/r/effects_iptw.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
