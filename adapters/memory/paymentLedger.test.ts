// Runs the shared payment ledger contract against the in-memory engine.
import { paymentLedgerContract } from "../contract/paymentLedger.contract.ts";
import { MemoryPaymentLedger } from "./paymentLedger.ts";

paymentLedgerContract("memory", (clock) => new MemoryPaymentLedger({ clock }));
