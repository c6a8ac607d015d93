# Reference values for dyadlab's survival and competing-risks code, computed with R.
#
# Run from the repository root (needs r-base-core, r-cran-survival, r-cran-cmprsk,
# r-cran-jsonlite; CI does not run this, it reads the committed outputs):
#
#     Rscript tests/analysis/r/make_references.R
#
# Writes the datasets as CSV into tests/analysis/data/ and the reference values into
# tests/analysis/r/references.json. Every quantity is what the named R function returns;
# the Python tests re-create the same data preparation (documented beside each entry).
suppressMessages({
  library(survival)
  library(cmprsk)
  library(jsonlite)
})

data_dir <- "tests/analysis/data"
out_file <- "tests/analysis/r/references.json"
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

lung <- survival::lung
veteran <- survival::veteran
pbc <- survival::pbc
mgus2 <- survival::mgus2
heart <- survival::heart

write.csv(lung, file.path(data_dir, "lung.csv"), row.names = FALSE, na = "")
write.csv(veteran, file.path(data_dir, "veteran.csv"), row.names = FALSE, na = "")
write.csv(pbc, file.path(data_dir, "pbc.csv"), row.names = FALSE, na = "")
write.csv(mgus2, file.path(data_dir, "mgus2.csv"), row.names = FALSE, na = "")
write.csv(heart, file.path(data_dir, "heart.csv"), row.names = FALSE, na = "")

ref <- list(
  meta = list(
    R = R.version.string,
    survival = as.character(packageVersion("survival")),
    cmprsk = as.character(packageVersion("cmprsk"))
  )
)

# ---------------------------------------------------------------- Kaplan-Meier
km_table <- function(fit) {
  strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else
    rep(names(fit$strata), fit$strata)
  list(
    strata = strata, time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event,
    n_censor = fit$n.censor, survival = fit$surv,
    # summary.survfit's std.err: the standard error of S(t) (Greenwood)
    std_err = fit$surv * fit$std.err,
    lower = fit$lower, upper = fit$upper
  )
}
km_summary <- function(fit, times) {
  tab <- summary(fit)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  s <- summary(fit, times = times, extend = TRUE)
  list(
    median = list(group = if (is.null(fit$strata)) "all" else rownames(tab),
                  median = unname(tab[, "median"]),
                  lower = unname(tab[, "0.95LCL"]), upper = unname(tab[, "0.95UCL"])),
    at = list(group = if (is.null(s$strata)) rep("all", length(s$time)) else as.character(s$strata),
              time = s$time, n_risk = s$n.risk, survival = s$surv,
              std_err = s$std.err, lower = s$lower, upper = s$upper)
  )
}
times <- c(30, 90, 180, 365)
# lung: event = status == 2; groups by sex (1 = male, 2 = female)
f <- survfit(Surv(time, status) ~ 1, data = lung, conf.type = "log-log")
ref$km_lung <- c(list(table = km_table(f)), km_summary(f, times))
f <- survfit(Surv(time, status) ~ sex, data = lung, conf.type = "log-log")
ref$km_lung_sex <- c(list(table = km_table(f)), km_summary(f, times))
# veteran by trt, conf.type log-log and plain
f <- survfit(Surv(time, status) ~ trt, data = veteran, conf.type = "log-log")
# also day 0 (before any event) and day 1000 (after the last follow-up)
ref$km_veteran_trt <- c(list(table = km_table(f)), km_summary(f, c(0, times, 1000)))
f <- survfit(Surv(time, status) ~ 1, data = veteran, conf.type = "log")
ref$km_veteran_log <- c(list(table = km_table(f)), km_summary(f, times))
f <- survfit(Surv(time, status) ~ 1, data = veteran, conf.type = "plain")
ref$km_veteran_plain <- c(list(table = km_table(f)), km_summary(f, times))
# pbc: event = status == 2 (death), transplant censored; by trt (NA rows dropped)
f <- survfit(Surv(time, status == 2) ~ trt, data = pbc, conf.type = "log-log")
ref$km_pbc_trt <- c(list(table = km_table(f)), km_summary(f, c(365, 1000, 2000)))

# ---------------------------------------------------------------- log-rank
s <- survdiff(Surv(time, status) ~ sex, data = lung)
ref$logrank_lung_sex <- list(statistic = s$chisq, dof = 1, p_value = pchisq(s$chisq, 1, lower.tail = FALSE),
                             observed = as.numeric(s$obs), expected = as.numeric(s$exp))
s <- survdiff(Surv(time, status) ~ celltype, data = veteran)
ref$logrank_veteran_celltype <- list(statistic = s$chisq, dof = 3,
                                     p_value = pchisq(s$chisq, 3, lower.tail = FALSE))
s <- survdiff(Surv(time, status) ~ trt + strata(celltype), data = veteran)
ref$logrank_veteran_trt_strata <- list(statistic = s$chisq, dof = 1,
                                       p_value = pchisq(s$chisq, 1, lower.tail = FALSE))
s <- survdiff(Surv(time, status == 2) ~ trt, data = pbc)
ref$logrank_pbc_trt <- list(statistic = s$chisq, dof = 1, p_value = pchisq(s$chisq, 1, lower.tail = FALSE))

# ---------------------------------------------------------------- Cox
cox_ref <- function(fit, zph = TRUE) {
  s <- summary(fit)$coefficients
  out <- list(
    names = rownames(s), coef = unname(coef(fit)), se = unname(sqrt(diag(fit$naive.var %||% fit$var))),
    loglik = fit$loglik[2], loglik_null = fit$loglik[1],
    concordance = unname(fit$concordance["concordance"]), n = fit$n, n_event = fit$nevent
  )
  if (!is.null(fit$naive.var)) out$robust_se <- unname(sqrt(diag(fit$var)))
  if (zph) {
    z <- cox.zph(fit)
    out$zph <- list(terms = rownames(z$table), chisq = unname(z$table[, "chisq"]),
                    df = unname(z$table[, "df"]), p = unname(z$table[, "p"]))
    out$zph_y <- lapply(seq_len(ncol(z$y)), function(i) unname(z$y[, i]))
    names(out$zph_y) <- colnames(z$y)
    out$zph_x <- unname(z$x)
    out$zph_time <- unname(z$time)
    if (!is.null(z$strata)) out$zph_strata <- sub(".*=", "", as.character(z$strata))
    zi <- cox.zph(fit, transform = "identity")
    out$zph_identity <- list(terms = rownames(zi$table), chisq = unname(zi$table[, "chisq"]))
  }
  out
}
`%||%` <- function(a, b) if (is.null(a)) b else a
lung_cc <- lung[!is.na(lung$ph.ecog), ]
ref$cox_lung_efron <- cox_ref(coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_cc))
ref$cox_lung_breslow <- cox_ref(coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_cc,
                                      ties = "breslow"))
ref$cox_veteran_strata <- cox_ref(coxph(Surv(time, status) ~ trt + karno + age + strata(celltype),
                                        data = veteran))
lung_inst <- lung[!is.na(lung$inst), ]
ref$cox_lung_cluster <- cox_ref(coxph(Surv(time, status) ~ age + sex, data = lung_inst,
                                      cluster = inst), zph = FALSE)
ref$cox_lung_cluster_breslow <- cox_ref(coxph(Surv(time, status) ~ age + sex, data = lung_inst,
                                              cluster = inst, ties = "breslow"), zph = FALSE)
# case weights (w = 1 + inst %% 3 on lung rows with inst known), Efron and Breslow
lung_w <- lung_inst
lung_w$w <- 1 + lung_w$inst %% 3
ref$cox_lung_weights_efron <- cox_ref(coxph(Surv(time, status) ~ age + sex, data = lung_w,
                                            weights = w), zph = FALSE)
ref$cox_lung_weights_cluster <- cox_ref(coxph(Surv(time, status) ~ age + sex, data = lung_w,
                                              weights = w, cluster = inst), zph = FALSE)
ref$cox_lung_weights_breslow <- cox_ref(coxph(Surv(time, status) ~ age + sex, data = lung_w,
                                              weights = w, ties = "breslow"), zph = FALSE)
# pbc: categorical stage (reference level 1), event = status == 2
ref$cox_pbc_stage <- cox_ref(coxph(Surv(time, status == 2) ~ age + factor(stage), data = pbc))
# heart (Stanford heart transplant, counting-process (start, stop] data)
ref$cox_heart_efron <- cox_ref(coxph(Surv(start, stop, event) ~ age + year + surgery + transplant,
                                     data = heart))
ref$cox_heart_breslow <- cox_ref(coxph(Surv(start, stop, event) ~ age + year + surgery + transplant,
                                       data = heart, ties = "breslow"))
ref$cox_heart_cluster <- cox_ref(coxph(Surv(start, stop, event) ~ age + year + surgery + transplant,
                                       data = heart, cluster = id), zph = FALSE)

# ---------------------------------------------------------------- adjusted survival curves
# Direct standardisation: everyone in lung_cc set to sex = 1, then to sex = 2; mean of the
# predicted curves (survfit.coxph, Efron hazard); read at chosen days.
fit <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_cc)
adj <- list()
for (sx in c(1, 2)) {
  nd <- lung_cc
  nd$sex <- sx
  sf <- survfit(fit, newdata = nd)
  m <- rowMeans(sf$surv)
  idx <- findInterval(c(90, 180, 365, 500), sf$time)
  adj[[paste0("sex", sx)]] <- list(time = c(90, 180, 365, 500), survival = m[idx])
}
ref$adjusted_lung_sex <- adj

# ---------------------------------------------------------------- RMST
rmst_ref <- function(fit, tau) {
  tab <- summary(fit, rmean = tau)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  list(group = if (is.null(fit$strata)) "all" else rownames(tab),
       rmst = unname(tab[, "rmean"]), se = unname(tab[, "se(rmean)"]))
}
ref$rmst_lung_sex_365 <- rmst_ref(survfit(Surv(time, status) ~ sex, data = lung), 365)
ref$rmst_lung_500 <- rmst_ref(survfit(Surv(time, status) ~ 1, data = lung), 500)
ref$rmst_veteran_trt_200 <- rmst_ref(survfit(Surv(time, status) ~ trt, data = veteran), 200)

# ---------------------------------------------------------------- competing risks (mgus2)
# etime = time to progression (pcm) or to last follow-up/death; event 0 censored,
# 1 = pcm, 2 = death without pcm; male = sex == "M"
mg <- mgus2
mg$etime <- ifelse(mg$pstat == 0, mg$futime, mg$ptime)
mg$event <- ifelse(mg$pstat == 0, 2 * mg$death, 1)
mg$male <- as.numeric(mg$sex == "M")
ci <- cuminc(mg$etime, mg$event)
cuminc_tab <- function(x) list(time = x$time, est = x$est, var = x$var)
ref$cuminc_mgus2 <- list(cause1 = cuminc_tab(ci[["1 1"]]), cause2 = cuminc_tab(ci[["1 2"]]))
ci <- cuminc(mg$etime, mg$event, group = mg$sex)
ref$cuminc_mgus2_sex <- list(
  F1 = cuminc_tab(ci[["F 1"]]), M1 = cuminc_tab(ci[["M 1"]]),
  F2 = cuminc_tab(ci[["F 2"]]), M2 = cuminc_tab(ci[["M 2"]]),
  tests = list(cause = rownames(ci$Tests), stat = unname(ci$Tests[, "stat"]),
               p = unname(ci$Tests[, "pv"]), df = unname(ci$Tests[, "df"])))
# Gray's test stratified by age >= 70, and with rho = 1
mg$old <- as.numeric(mg$age >= 70)
ci <- cuminc(mg$etime, mg$event, group = mg$sex, strata = mg$old)
ref$gray_mgus2_sex_strata <- list(stat = unname(ci$Tests[, "stat"]), p = unname(ci$Tests[, "pv"]))
ci <- cuminc(mg$etime, mg$event, group = mg$sex, rho = 1)
ref$gray_mgus2_sex_rho1 <- list(stat = unname(ci$Tests[, "stat"]), p = unname(ci$Tests[, "pv"]))
# three groups (age band), cause 1 and 2
mg$band <- cut(mg$age, c(0, 60, 75, 200), labels = c("a", "b", "c"))
ci <- cuminc(mg$etime, mg$event, group = mg$band)
ref$gray_mgus2_band <- list(stat = unname(ci$Tests[, "stat"]), p = unname(ci$Tests[, "pv"]),
                            df = unname(ci$Tests[, "df"]))
# multi-state survfit (Aalen-Johansen), for the point estimate
ms <- survfit(Surv(etime, factor(event)) ~ 1, data = mg)
ref$aj_mgus2 <- list(time = ms$time, pcm = ms$pstate[, 2], death = ms$pstate[, 3],
                     se_pcm = ms$std.err[, 2], se_death = ms$std.err[, 3])
# Fine-Gray: cmprsk::crr and survival::finegray + weighted coxph
cr <- crr(mg$etime, mg$event, cov1 = cbind(age = mg$age, male = mg$male), failcode = 1, cencode = 0)
ref$crr_mgus2_pcm <- list(names = c("age", "male"), coef = unname(cr$coef),
                          se = unname(sqrt(diag(cr$var))), loglik = cr$loglik)
cr2 <- crr(mg$etime, mg$event, cov1 = cbind(age = mg$age, male = mg$male), failcode = 2, cencode = 0)
ref$crr_mgus2_death <- list(names = c("age", "male"), coef = unname(cr2$coef),
                            se = unname(sqrt(diag(cr2$var))), loglik = cr2$loglik)
mg$fevent <- factor(mg$event, 0:2, c("censor", "pcm", "death"))
fg <- finegray(Surv(etime, fevent) ~ age + male + id, data = mg, etype = "pcm")
fgfit <- coxph(Surv(fgstart, fgstop, fgstatus) ~ age + male, weights = fgwt, data = fg, ties = "breslow")
fgfit_r <- coxph(Surv(fgstart, fgstop, fgstatus) ~ age + male, weights = fgwt, data = fg,
                 cluster = id, ties = "breslow")
ref$finegray_mgus2_pcm <- list(names = c("age", "male"), coef = unname(coef(fgfit)),
                               se = unname(sqrt(diag(fgfit$var))),
                               robust_se = unname(sqrt(diag(fgfit_r$var))))
# cause-specific Cox for pcm (deaths censored)
ref$cox_mgus2_cs_pcm <- cox_ref(coxph(Surv(etime, event == 1) ~ age + male, data = mg), zph = FALSE)

writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE), out_file)
cat("wrote", out_file, "\n")
