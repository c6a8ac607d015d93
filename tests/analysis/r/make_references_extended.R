# Reference values for the robustness, weighting and delayed-entry checks (issue 12), from R.
#
# Run from the repository root (r-base-core, r-cran-survival, r-cran-cmprsk, r-cran-jsonlite):
#
#     Rscript tests/analysis/r/make_references_extended.R
#
# Beyond R's standard data sets this builds cases that break naive implementations: monotone
# likelihood in a continuous covariate, one extreme covariate value, a linear predictor ~90
# units wide (with and without delayed entry), aliased and constant covariates, non-integer
# (inverse-probability-like) case weights, delayed entry and competing risks. The simulated
# data are written to tests/analysis/data/ (seeded, so reruns give the same files) and the
# values to tests/analysis/r/references_extended.json, read by tests/analysis/r/refs.py.
suppressMessages({
  library(survival)
  library(cmprsk)
  library(jsonlite)
})
Sys.setlocale("LC_COLLATE", "C")  # factor() levels in code-point order (see docs/survival.md)

data_dir <- "tests/analysis/data"
out_file <- "tests/analysis/r/references_extended.json"
`%||%` <- function(a, b) if (is.null(a)) b else a
save_csv <- function(frame, name) {
  write.csv(frame, file.path(data_dir, paste0(name, ".csv")), row.names = FALSE, na = "")
}

ref <- list(meta = list(R = R.version.string,
                        survival = as.character(packageVersion("survival")),
                        cmprsk = as.character(packageVersion("cmprsk"))))

cox_ref <- function(fit) {
  out <- list(names = names(coef(fit)), coef = unname(coef(fit)),
              se = unname(sqrt(diag(fit$naive.var %||% fit$var))),
              loglik = fit$loglik[2], loglik_null = fit$loglik[1],
              n = fit$n, n_event = fit$nevent,
              wald = unname(fit$wald.test), score = unname(fit$score),
              lrt = 2 * diff(fit$loglik))
  if (!is.null(fit$naive.var)) {
    out$robust_se <- unname(sqrt(diag(fit$var)))
    out$rscore <- unname(fit$rscore)
  }
  out
}
with_warning <- function(expr) {
  msg <- character(0)
  value <- withCallingHandlers(expr, warning = function(w) {
    msg <<- c(msg, conditionMessage(w)); invokeRestart("muffleWarning")
  })
  list(value = value, warning = paste(msg, collapse = " | "))
}

# ------------------------------------------------------------- numerical robustness (Cox)
lung <- survival::lung
lung_cc <- lung[!is.na(lung$ph.ecog), c("time", "status", "age", "sex", "ph.ecog")]
lung_cc$event <- as.integer(lung_cc$status == 2)
# monotone likelihood in a continuous covariate: mono = -time/100 is largest for whoever fails
lung_cc$mono <- -lung_cc$time / 100
# one extreme value: age of the first row set to 1000 years
lung_cc$age_extreme <- lung_cc$age
lung_cc$age_extreme[1] <- 1000
# ... and ph.ecog of the first death set to 100: e^eta ~ 1e20 leaves the risk set at once
lung_cc$ecog_extreme <- lung_cc$ph.ecog
lung_cc$ecog_extreme[which.min(ifelse(lung_cc$event == 1, lung_cc$time, Inf))] <- 100
# aliased and constant covariates
lung_cc$sex2 <- 2 * lung_cc$sex + 1
lung_cc$one <- 1
r <- with_warning(coxph(Surv(time, event) ~ age + sex + mono, data = lung_cc))
ref$cox_lung_monotone <- c(cox_ref(r$value), list(warning = r$warning))
r <- with_warning(coxph(Surv(time, event) ~ age + sex + mono, data = lung_cc,
                        control = coxph.control(iter.max = 500)))
ref$cox_lung_monotone_long <- c(cox_ref(r$value), list(warning = r$warning, iter = r$value$iter))
# its limit as the mono coefficient runs to infinity: each risk set shrinks to the people with
# the largest mono, i.e. those whose time equals the event time - a model stratified by time
lung_cc$time_stratum <- lung_cc$time
ref$cox_lung_monotone_limit <- cox_ref(coxph(Surv(time, event) ~ age + sex + strata(time_stratum),
                                             data = lung_cc))
# a binary separator (as SAS PROC PHREG's Example "Firth's correction": Time <= 65)
lung_cc$early <- as.integer(lung_cc$time <= 100)
r <- with_warning(coxph(Surv(time, event) ~ age + sex + early, data = lung_cc))
ref$cox_lung_early <- c(cox_ref(r$value), list(warning = r$warning))
save_csv(lung_cc, "lung_robust")
r <- with_warning(coxph(Surv(time, event) ~ age_extreme + sex + ph.ecog, data = lung_cc,
                        control = coxph.control(eps = 1e-11, iter.max = 50)))
ref$cox_lung_extreme <- c(cox_ref(r$value), list(warning = r$warning))
r <- with_warning(coxph(Surv(time, event) ~ age + sex + ecog_extreme, data = lung_cc,
                        control = coxph.control(eps = 1e-11, iter.max = 50)))
ref$cox_lung_ecog_extreme <- c(cox_ref(r$value), list(warning = r$warning))
r <- with_warning(coxph(Surv(time, event) ~ age + sex + sex2 + one + ph.ecog, data = lung_cc))
ref$cox_lung_aliased <- c(cox_ref(r$value), list(warning = r$warning))

# a wide linear predictor: x ~ N(0, 15^2), true beta 1 (exp(eta) spans ~1e-39..1e39)
set.seed(20261208)
n <- 400
wide <- data.frame(x = rnorm(n, 0, 15), z = rbinom(n, 1, 0.5))
raw <- rexp(n, rate = exp(wide$x + 0.5 * wide$z))
cens <- rexp(n, rate = 0.3) * median(raw)
wide$event <- as.integer(raw <= cens)
# the Cox model depends on times only through their order: use ranks (1..n), which keeps
# the times readable while the linear predictor stays ~90 units wide
wide$time <- rank(pmin(raw, cens))
wide$entry <- round(wide$time * runif(n, 0, 0.9), 2)
wide$entry[sample(n, n / 4)] <- 0
wide$grp <- sample(c("a", "b"), n, replace = TRUE)
save_csv(wide, "wide_lp")
ref$cox_wide <- cox_ref(coxph(Surv(time, event) ~ x + z, data = wide))
ref$cox_wide_entry <- cox_ref(coxph(Surv(entry, time, event) ~ x + z, data = wide))
ref$cox_wide_entry_strata <- cox_ref(coxph(Surv(entry, time, event) ~ x + z + strata(grp),
                                           data = wide))

# ------------------------------------------------------------- weights and delayed entry
set.seed(12)
n <- 300
ipw <- data.frame(id = seq_len(n), cl = sample(1:60, n, replace = TRUE), x1 = rnorm(n),
                  group = sample(c("bup", "Meth", "none"), n, replace = TRUE, prob = c(.4, .35, .25)))
ipw$w <- round(runif(n, 0.2, 4), 3)
rate1 <- 0.02 * exp(0.5 * ipw$x1 + 0.4 * (ipw$group == "Meth"))
t1 <- rexp(n, rate1)
t2 <- rexp(n, 0.01)
cens <- runif(n, 20, 150)
ipw$time <- ceiling(pmin(t1, t2, cens))  # whole days: tied times
ipw$status <- ifelse(pmin(t1, t2) > cens, 0, ifelse(t1 < t2, 1, 2))
ipw$event <- as.integer(ipw$status == 1)
ipw$entry <- floor(ipw$time * runif(n, 0, 0.8))
ipw$entry[ipw$entry >= ipw$time] <- 0
save_csv(ipw, "ipw")

ref$cox_ipw <- cox_ref(coxph(Surv(time, event) ~ x1 + group, data = ipw, weights = w))
ref$cox_ipw_cluster <- cox_ref(coxph(Surv(time, event) ~ x1 + group, data = ipw, weights = w,
                                     cluster = cl))
ref$cox_lung_cluster_tests <- cox_ref(coxph(Surv(time, status) ~ age + sex,
                                            data = lung[!is.na(lung$inst), ], cluster = inst))
ref$cox_ipw_unweighted <- cox_ref(coxph(Surv(time, event) ~ x1 + group, data = ipw))
# weighted log-rank: the score test of a weighted Cox model on the group
ref$logrank_weighted <- cox_ref(coxph(Surv(time, event) ~ group, data = ipw, weights = w))
ref$logrank_weighted_breslow <- cox_ref(coxph(Surv(time, event) ~ group, data = ipw, weights = w,
                                              ties = "breslow"))
# delayed-entry log-rank (survdiff takes no entry times): the Mantel-Haenszel statistic
# written out with risk sets entry < t <= time; on entry = 0 it reproduces survdiff.
mantel_haenszel <- function(entry, time, event, group) {
  lv <- sort(unique(group))
  g <- length(lv)
  o_e <- numeric(g)
  v <- matrix(0, g, g)
  for (t in sort(unique(time[event == 1]))) {
    at <- entry < t & time >= t
    n_g <- sapply(lv, function(l) sum(at & group == l))
    d_g <- sapply(lv, function(l) sum(time == t & event == 1 & group == l))
    n <- sum(n_g)
    d <- sum(d_g)
    o_e <- o_e + d_g - d * n_g / n
    if (n > 1) v <- v + d * (n - d) / (n - 1) * (diag(n_g / n) - outer(n_g, n_g) / n^2)
  }
  k <- seq_len(g - 1)
  list(chisq = drop(o_e[k] %*% solve(v[k, k], o_e[k])), observed_minus_expected = o_e)
}
ref$logrank_entry <- mantel_haenszel(ipw$entry, ipw$time, ipw$event, ipw$group)
ref$logrank_entry_zero <- mantel_haenszel(0 * ipw$entry - 1, ipw$time, ipw$event, ipw$group)
ref$logrank_plain_survdiff <- list(chisq = survdiff(Surv(time, event) ~ group, data = ipw)$chisq)

km_table <- function(fit) {
  strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else
    sub(".*=", "", rep(names(fit$strata), fit$strata))
  list(strata = strata, time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event,
       n_censor = fit$n.censor, survival = fit$surv,
       # the SE of S: fit$std.err is on the log scale unless fit$logse is FALSE (robust fits)
       std_err = if (isFALSE(fit$logse)) fit$std.err else fit$surv * fit$std.err,
       lower = fit$lower, upper = fit$upper)
}
rmean <- function(fit, tau) {
  tab <- summary(fit, rmean = tau)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  list(rmst = unname(tab[, "rmean"]), se = unname(tab[, "se(rmean)"]))
}
f <- survfit(Surv(time, event) ~ 1, data = ipw, weights = w, conf.type = "log-log")
ref$km_weighted <- list(table = km_table(f), rmst = rmean(f, 100))
f <- survfit(Surv(time, event) ~ group, data = ipw, weights = w, conf.type = "log-log")
ref$km_weighted_group <- list(table = km_table(f), rmst = rmean(f, 100))
wi <- ipw
wi$wi <- ceiling(wi$w)  # whole-number weights: R keeps the Greenwood variance
f <- survfit(Surv(time, event) ~ 1, data = wi, weights = wi, conf.type = "log-log")
ref$km_integer_weights <- list(table = km_table(f), rmst = rmean(f, 100))
f <- survfit(Surv(entry, time, event) ~ 1, data = ipw, conf.type = "log-log")
ref$km_entry <- list(table = km_table(f), rmst = rmean(f, 100))
f <- survfit(Surv(entry, time, event) ~ group, data = ipw, conf.type = "log-log")
ref$km_entry_group <- list(table = km_table(f), rmst = rmean(f, 100))
f <- survfit(Surv(entry, time, event) ~ 1, data = ipw, weights = w, conf.type = "log-log")
ref$km_entry_weighted <- list(table = km_table(f), rmst = rmean(f, 100))

# cumulative incidence with weights / delayed entry: multi-state survfit (Aalen-Johansen, IJ SE)
ms_ref <- function(fit) list(time = fit$time, cif1 = fit$pstate[, 2], cif2 = fit$pstate[, 3],
                             se1 = fit$std.err[, 2], se2 = fit$std.err[, 3],
                             lower1 = fit$lower[, 2], upper1 = fit$upper[, 2])
ipw$fstatus <- factor(ipw$status, 0:2, c("censor", "pcm", "death"))
ref$cif_weighted <- ms_ref(survfit(Surv(time, fstatus) ~ 1, data = ipw, weights = w, id = id))
ref$cif_entry <- ms_ref(survfit(Surv(entry, time, fstatus) ~ 1, data = ipw, id = id))
ref$cif_plain_log <- ms_ref(survfit(Surv(time, fstatus) ~ 1, data = ipw, id = id))
# cmprsk::timepoints: NA past the last follow-up of each group
ci <- cuminc(ipw$time, ipw$status, group = ipw$group)
tp <- timepoints(ci, c(10, 50, 100, 140, 149, 200))
ref$cuminc_timepoints <- list(times = c(10, 50, 100, 140, 149, 200), rows = rownames(tp$est),
                              est = lapply(seq_len(nrow(tp$est)), function(i) unname(tp$est[i, ])),
                              var = lapply(seq_len(nrow(tp$var)), function(i) unname(tp$var[i, ])),
                              last = as.list(tapply(ipw$time, ipw$group, max)))

# ------------------------------------------------------------- stratified predictions
times <- c(90, 180, 365, 500)
sfit <- coxph(Surv(time, event) ~ age + ph.ecog + strata(sex), data = lung_cc)
pred <- lapply(1:4, function(i) summary(survfit(sfit, newdata = lung_cc[i, ]), times = times,
                                        extend = TRUE)$surv)
adjusted <- lapply(c(0, 1), function(level) {
  nd <- lung_cc
  nd$ph.ecog <- level
  curves <- sapply(seq_len(nrow(nd)), function(i)
    summary(survfit(sfit, newdata = nd[i, ]), times = times, extend = TRUE)$surv)
  rowMeans(curves)
})
ref$stratified_prediction <- list(times = times, rows = pred, adjusted_ecog0 = adjusted[[1]],
                                  adjusted_ecog1 = adjusted[[2]])

# ------------------------------------------------------------- survSplit and tt()
lung_all <- survival::lung
lung_all$event <- as.integer(lung_all$status == 2)
sp <- survSplit(Surv(time, event) ~ age + sex, data = lung_all, cut = c(100, 300, 500),
                episode = "tgroup")
ref$survsplit_lung <- list(n = nrow(sp), tstart = sp$tstart, time = sp$time, event = sp$event,
                           tgroup = sp$tgroup, age = sp$age)
tfit <- coxph(Surv(time, event) ~ age + sex + tt(age), data = lung_all,
              tt = function(x, t, ...) x * log(t))
ref$cox_tt_lung <- cox_ref(tfit)
sp2 <- survSplit(Surv(tstart, time, event) ~ age + sex,
                 data = transform(lung_all, tstart = 0), cut = c(200, 400), episode = "tgroup")
ref$survsplit_lung_start <- list(n = nrow(sp2), tstart = sp2$tstart, time = sp2$time)

# ------------------------------------------------------------- reference levels
# factor() in the C locale: levels Meth < bup < none (upper case first), as our default
ref$factor_levels_c <- levels(factor(ipw$group))
ipw$group_none <- relevel(factor(ipw$group), ref = "none")
ref$cox_ipw_reference_none <- cox_ref(coxph(Surv(time, event) ~ x1 + group_none, data = ipw))

# ------------------------------------------------------------- a batch of random designs
# 24 seeded data sets crossing the features: ties (whole days or continuous), strata,
# delayed entry, non-integer weights, clusters, a wide linear predictor; coxph with Efron ties
set.seed(424242)
batch <- list()
batch_ref <- list()
for (k in 1:24) {
  n <- sample(c(60, 150, 400), 1)
  wide <- k %% 4 == 0
  d <- data.frame(set = k, x1 = rnorm(n, 0, if (wide) 8 else 1), x2 = rbinom(n, 1, 0.4),
                  s = sample(1:3, n, replace = TRUE), cl = sample(1:15, n, replace = TRUE))
  rate <- exp(0.7 * d$x1 - 0.5 * d$x2)
  t <- rexp(n, rate) ; t <- rank(t) / n * 100  # order-preserving, readable times
  cens <- runif(n, 20, 140)
  d$event <- as.integer(t <= cens)
  d$time <- pmin(t, cens)
  if (k %% 2 == 0) d$time <- ceiling(d$time)  # ties
  d$entry <- if (k %% 3 == 0) floor(d$time * runif(n, 0, 0.8)) else 0
  d$entry[d$entry >= d$time] <- 0
  d$w <- if (k %% 5 == 0) round(runif(n, 0.3, 3), 3) else 1
  use_strata <- k %% 2 == 1
  use_cluster <- k %% 7 == 0
  f <- Surv(entry, time, event) ~ x1 + x2
  if (use_strata) f <- update(f, . ~ . + strata(s))
  fit <- if (use_cluster) coxph(f, data = d, weights = w, cluster = cl) else
    coxph(f, data = d, weights = w)
  km <- survfit(Surv(entry, time, event) ~ 1, data = d, weights = w, conf.type = "log-log")
  batch[[k]] <- d
  batch_ref[[k]] <- c(cox_ref(fit), list(strata = use_strata, cluster = use_cluster,
                                         concordance = unname(fit$concordance["concordance"]),
                                         km = km_table(km)))
}
save_csv(do.call(rbind, batch), "cox_batch")
ref$cox_batch <- batch_ref

# competing risks: 12 seeded data sets, Aalen-Johansen (multi-state survfit with delayed entry
# and weights, whole-day ties) and Fine-Gray (finegray + coxph; continuous times, where its
# censoring weights equal crr's) with strata / entry / weights crossed
set.seed(515151)
cbatch <- list()
cbatch_ref <- list()
for (k in 1:12) {
  n <- sample(c(80, 200), 1)
  d <- data.frame(set = k, id = seq_len(n), x1 = rnorm(n), s = sample(c("p", "q"), n, TRUE))
  t1 <- rexp(n, 0.05 * exp(0.6 * d$x1))
  t2 <- rexp(n, 0.03)
  cc <- runif(n, 5, 60)
  d$ctime <- round(pmin(t1, t2, cc), 6)
  d$status <- ifelse(pmin(t1, t2) > cc, 0, ifelse(t1 < t2, 1, 2))
  d$dtime <- ceiling(d$ctime)
  d$entry <- if (k %% 2 == 0) round(d$ctime * runif(n, 0, 0.6), 6) else 0
  d$dentry <- if (k %% 2 == 0) floor(d$dtime * runif(n, 0, 0.6)) else 0
  d$dentry[d$dentry >= d$dtime] <- 0
  d$w <- if (k %% 3 == 0) round(runif(n, 0.3, 3), 3) else 1
  d$fstatus <- factor(d$status, 0:2, c("censor", "c1", "c2"))
  ms <- survfit(Surv(dentry, dtime, fstatus) ~ 1, data = d, weights = w, id = id)
  use_strata <- k %% 4 %in% c(1, 2)
  f <- if (use_strata) Surv(entry, ctime, fstatus) ~ x1 + id + s + strata(s) else
    Surv(entry, ctime, fstatus) ~ x1 + id
  # finegray(weights=) with strata() takes user.weights[row within stratum] from the whole
  # vector (survival 3.5.3), misplacing the weights; multiply by each person's own weight
  fg <- finegray(f, data = d, etype = "c1", id = id)
  fg$fgwt <- fg$fgwt * d$w[match(fg$id, d$id)]
  m <- if (use_strata) coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + strata(s), data = fg,
                             weights = fgwt, ties = "breslow", cluster = id) else
    coxph(Surv(fgstart, fgstop, fgstatus) ~ x1, data = fg, weights = fgwt, ties = "breslow",
          cluster = id)
  cbatch[[k]] <- d[, c("set", "id", "x1", "s", "ctime", "dtime", "status", "entry", "dentry", "w")]
  cbatch_ref[[k]] <- list(strata = use_strata, time = ms$time, cif1 = ms$pstate[, 2],
                          se1 = ms$std.err[, 2], fg_coef = unname(coef(m)),
                          fg_se = unname(sqrt(diag(m$naive.var))),
                          fg_robust_se = unname(sqrt(diag(m$var))))
}
save_csv(do.call(rbind, cbatch), "competing_batch")
ref$competing_batch <- cbatch_ref

# ------------------------------------------------------------- Firth's penalised likelihood
# coxphf is not in Debian: maximise l(b) + 0.5 log|I(b)| directly, with l and I from coxph at
# fixed b (iter.max = 0), on the breast cancer data of Heinze & Schemper (2001, Biometrics
# 57:114), shipped with coxphf (GPL; copied from the cran/coxphf repository, data/breast.txt.gz)
penalised_of <- function(formula, data, ties) {
  function(b) {
    fit <- tryCatch(suppressWarnings(coxph(formula, data = data, init = b, ties = ties,
                                           control = coxph.control(iter.max = 0))),
                    error = function(e) NULL)
    if (is.null(fit) || any(diag(fit$var) <= 0)) return(-1e10)  # a wild trial point
    fit$loglik[2] - 0.5 * determinant(fit$var, logarithm = TRUE)$modulus[1]
  }
}
firth_ref <- function(formula, data, ties = "breslow") {
  penalised <- penalised_of(formula, data, ties)
  p <- length(all.vars(formula)) - 2
  best <- optim(rep(0, p), penalised, method = "BFGS",
                control = list(fnscale = -1, reltol = 1e-16, maxit = 1000))
  best <- optim(best$par, penalised, method = "Nelder-Mead",
                control = list(fnscale = -1, reltol = 1e-16, maxit = 5000))
  best <- optim(best$par, penalised, method = "BFGS",
                control = list(fnscale = -1, reltol = 1e-16, maxit = 1000, ndeps = rep(1e-6, p)))
  fit <- suppressWarnings(coxph(formula, data = data, init = best$par, ties = ties,
                                control = coxph.control(iter.max = 0)))
  list(coef = best$par, se = unname(sqrt(diag(fit$var))), penalised = best$value,
       loglik = fit$loglik[2])
}
# profile penalised likelihood limits and penalised likelihood-ratio tests of beta_j = 0
# (Heinze & Schemper 2001, coxphf's default), each profile point maximised by optim
firth_profile <- function(formula, data, best, ties = "breslow", level = 0.95) {
  penalised <- penalised_of(formula, data, ties)
  p <- length(best$coef)
  q <- qchisq(level, 1)
  out <- lapply(seq_len(p), function(j) {
    profile <- function(b) {
      f <- function(others) {
        full <- numeric(p)
        full[j] <- b
        full[-j] <- others
        penalised(full)
      }
      optim(best$coef[-j], f, method = "BFGS",
            control = list(fnscale = -1, reltol = 1e-15, maxit = 1000, ndeps = rep(1e-6, p - 1)))$value
    }
    h <- function(b) 2 * (best$penalised - profile(b)) - q
    se <- best$se[j]
    c(lower = uniroot(h, c(best$coef[j] - 10 * se, best$coef[j]), tol = 1e-9)$root,
      upper = uniroot(h, c(best$coef[j], best$coef[j] + 10 * se), tol = 1e-9)$root,
      chisq = 2 * (best$penalised - profile(0)))
  })
  list(lower = sapply(out, `[`, 1), upper = sapply(out, `[`, 2), chisq = sapply(out, `[`, 3))
}
breast <- read.table("tests/analysis/data/breast.txt", header = TRUE)
ref$firth_breast <- firth_ref(Surv(TIME, CENS) ~ T + N + G + CD, breast)
ref$firth_breast_profile <- firth_profile(Surv(TIME, CENS) ~ T + N + G + CD, breast,
                                          ref$firth_breast)
ref$firth_lung_early <- firth_ref(Surv(time, event) ~ age + sex + early, lung_cc)
ref$firth_lung_early_efron <- firth_ref(Surv(time, event) ~ age + sex + early, lung_cc, "efron")

# ------------------------------------------------------------- Fine-Gray
# time 0 rows: cmprsk::crr accepts them
ipw0 <- ipw
ipw0$time[1:4] <- 0
save_csv(ipw0[, c("time", "status", "x1", "w", "cl", "id")], "ipw_time0")
cr <- crr(ipw0$time, ipw0$status, cov1 = cbind(x1 = ipw0$x1), failcode = 1, cencode = 0)
ref$crr_time0 <- list(coef = unname(cr$coef), se = unname(sqrt(diag(cr$var))))
# crr orders a censoring at time 0 before the events at time 0; moved to 1e-9 (after them, the
# usual convention, ours) crr gives our estimate
ipw0$time[ipw0$time == 0] <- 1e-9
cr <- crr(ipw0$time, ipw0$status, cov1 = cbind(x1 = ipw0$x1), failcode = 1, cencode = 0)
ref$crr_time0_after <- list(coef = unname(cr$coef), se = unname(sqrt(diag(cr$var))))
# continuous times (no ties), where survival::finegray's censoring weights equal crr's
set.seed(77)
n <- 250
fgc <- data.frame(id = seq_len(n), x1 = rnorm(n), grp = sample(c("a", "b"), n, replace = TRUE),
                  cl = sample(1:40, n, replace = TRUE), w = round(runif(n, 0.5, 2.5), 3))
t1 <- rexp(n, 0.3 * exp(0.6 * fgc$x1))
t2 <- rexp(n, 0.2)
cc <- runif(n, 0.5, 6)
fgc$time <- round(pmin(t1, t2, cc), 6)
fgc$status <- ifelse(pmin(t1, t2) > cc, 0, ifelse(t1 < t2, 1, 2))
fgc$entry <- round(fgc$time * runif(n, 0, 0.7), 6)
fgc$entry[sample(n, n / 3)] <- 0
save_csv(fgc, "fg_continuous")
fgc$fstatus <- factor(fgc$status, 0:2, c("censor", "cause1", "cause2"))
cr <- crr(fgc$time, fgc$status, cov1 = cbind(x1 = fgc$x1), failcode = 1, cencode = 0)
fg_fit <- function(fg, formula) {
  m <- coxph(formula, data = fg, weights = fgwt, ties = "breslow")
  r <- coxph(formula, data = fg, weights = fgwt, ties = "breslow", cluster = id)
  list(coef = unname(coef(m)), se = unname(sqrt(diag(m$naive.var %||% m$var))),
       robust_se = unname(sqrt(diag(r$var))),
       loglik = m$loglik[2])
}
fg_cluster <- function(fg, formula) {
  r <- coxph(formula, data = fg, weights = fgwt, ties = "breslow", cluster = cl)
  list(coef = unname(coef(r)), robust_se = unname(sqrt(diag(r$var))))
}
fg <- finegray(Surv(time, fstatus) ~ x1 + id + cl, data = fgc, etype = "cause1")
ref$fg_continuous <- c(fg_fit(fg, Surv(fgstart, fgstop, fgstatus) ~ x1),
                       list(crr_coef = unname(cr$coef), crr_se = unname(sqrt(diag(cr$var)))))
ref$fg_continuous_cluster <- fg_cluster(fg, Surv(fgstart, fgstop, fgstatus) ~ x1)
fg <- finegray(Surv(time, fstatus) ~ x1 + id + cl + grp + strata(grp), data = fgc,
               etype = "cause1")
ref$fg_continuous_strata <- fg_fit(fg, Surv(fgstart, fgstop, fgstatus) ~ x1 + strata(grp))
fg <- finegray(Surv(time, fstatus) ~ x1 + id + cl, data = fgc, etype = "cause1", weights = w)
ref$fg_continuous_weights <- fg_fit(fg, Surv(fgstart, fgstop, fgstatus) ~ x1)
fg <- finegray(Surv(entry, time, fstatus) ~ x1 + cl + id, data = fgc, etype = "cause1", id = id)
ref$fg_continuous_entry <- fg_fit(fg, Surv(fgstart, fgstop, fgstatus) ~ x1)

writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE), out_file)
cat("wrote", out_file, "\n")
