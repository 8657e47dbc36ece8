-- AlterTable
ALTER TABLE "training_jobs" ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "requestHash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "training_jobs_idempotencyKey_key" ON "training_jobs"("idempotencyKey");

